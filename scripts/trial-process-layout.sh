#!/usr/bin/env bash
# A trial recorded in docs/deployment.md; run by hand on a machine with PostgreSQL and Redis on loopback.
cd "$(dirname "$0")/.."
V=$(mktemp -d /tmp/ati-trial-layout.XXXX)
export ATI_HTTPS=0 ATI_DEBUG=0 DJANGO_SETTINGS_MODULE=ati.settings SECRET_KEY=trial-only-secret-key-not-for-production-0123456789abcdef CELERY_BROKER_URL=redis://127.0.0.1:6379/14 ATI_VAR_DIR=$V ALLOWED_HOSTS=127.0.0.1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/ati_bench_backup
pids=()
.venv/bin/gunicorn ati.wsgi -w 2 -b 127.0.0.1:8101 --log-level warning & pids+=($!)
.venv/bin/gunicorn ati.wsgi -w 2 -b 127.0.0.1:8102 --log-level warning & pids+=($!)
.venv/bin/celery -A ati worker -n w1@%h --concurrency=1 --loglevel=warning & pids+=($!)
.venv/bin/celery -A ati worker -n w2@%h --concurrency=1 --loglevel=warning & pids+=($!)
.venv/bin/celery -A ati beat --schedule $V/beat --loglevel=warning & pids+=($!)
echo "pids ${pids[*]}"
sleep 25
TOKEN=$(.venv/bin/python manage.py shell -c "
from ati.accounts.models import User; from rest_framework.authtoken.models import Token
u,_=User.objects.get_or_create(email='layout@citizens.ma', defaults=dict(full_name='L', email_verified=True))
print(Token.objects.get_or_create(user=u)[0].key)" | tail -1)
BODY=$(.venv/bin/python manage.py shell -c "from ati.bodies.models import PublicBody; print(PublicBody.objects.filter(is_active=True).first().code)" | tail -1)
for port in 8101 8102; do
curl -s -o /dev/null -w "POST via :$port -> %{http_code}\n" -H "Authorization: Token $TOKEN" -H 'Content-Type: application/json' \
 -d "{\"body\":\"$BODY\",\"subject\":\"Layout $port\",\"information_requested\":\"Budget\",\"first_name\":\"A\",\"last_name\":\"B\",\"address\":\"Rabat\",\"id_number\":\"AB123456\"}" http://127.0.0.1:$port/api/v1/requests/
done
for i in $(seq 1 24); do n=$(ls $V/mail 2>/dev/null | wc -l); [ "$n" -ge 2 ] && break; sleep 5; done
echo "mail files: $(ls $V/mail 2>/dev/null | wc -l)"; grep -l "Layout" $V/mail/* 2>/dev/null | head; grep -c "recepisse" $V/mail/* 2>/dev/null | head
for p in "${pids[@]}"; do kill $p; done; wait
echo done
