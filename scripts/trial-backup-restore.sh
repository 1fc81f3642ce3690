#!/usr/bin/env bash
# A trial recorded in docs/deployment.md; run by hand on a machine with PostgreSQL and Redis on loopback.
set -e
cd "$(dirname "$0")/.."
export ATI_HTTPS=0 ATI_DEBUG=0 DJANGO_SETTINGS_MODULE=ati.settings SECRET_KEY=trial-only-secret-key-not-for-production-0123456789abcdef CELERY_BROKER_URL=memory:// ATI_VAR_DIR=/tmp/ati-trial-var
P="psql -h 127.0.0.1 -U postgres -q"
$P -c 'DROP DATABASE IF EXISTS ati_bench_backup WITH (FORCE)' -c 'DROP DATABASE IF EXISTS ati_bench_restore WITH (FORCE)' -c 'CREATE DATABASE ati_bench_backup' -c 'CREATE DATABASE ati_bench_restore'
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/ati_bench_backup
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py seed_demo 2>&1 | tail -2 || true
.venv/bin/python manage.py generate_load_data --bodies 20 --requests 20000 --documents 2000 | tail -1
time pg_dump -h 127.0.0.1 -U postgres -Fc -f /tmp/ati-trial-ati.dump ati_bench_backup
ls -la /tmp/ati-trial-ati.dump
time pg_restore -h 127.0.0.1 -U postgres -d ati_bench_restore --no-owner /tmp/ati-trial-ati.dump
Q="SELECT relname, n_live_tup FROM pg_stat_user_tables ORDER BY relname"
for db in ati_bench_backup ati_bench_restore; do
  $P -d $db -Atc "SELECT string_agg(t, ',' ORDER BY t) FROM (SELECT table_name AS t FROM information_schema.tables WHERE table_schema='public') x" > /tmp/ati-trial-tables-$db
done
diff /tmp/ati-trial-tables-ati_bench_backup /tmp/ati-trial-tables-ati_bench_restore && echo "same tables"
for t in $(tr ',' ' ' < /tmp/ati-trial-tables-ati_bench_backup); do
  a=$($P -d ati_bench_backup -Atc "SELECT count(*) FROM \"$t\""); b=$($P -d ati_bench_restore -Atc "SELECT count(*) FROM \"$t\"")
  [ "$a" = "$b" ] || echo "DIFF $t $a $b"; n=$((n+1))
done
echo "compared tables: $(tr ',' '\n' < /tmp/ati-trial-tables-ati_bench_backup | wc -l)"
for db in ati_bench_backup ati_bench_restore; do
  $P -d $db -Atc "SELECT md5(string_agg(reference || state || response_due, ',' ORDER BY id)) FROM requests_informationrequest"
done
DATABASE_URL=postgres://postgres@127.0.0.1:5432/ati_bench_restore .venv/bin/python manage.py verify_audit
