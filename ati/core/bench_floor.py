"""The submission benchmark's floor: the least a POST can cost on this stack (bench only).

`bench/bench_http.py` measures submissions beside this view, under the same
gunicorn, the same load generator and the same tokens: DRF parses the JSON,
authenticates the token, validates two fields and inserts one row in one
transaction. Mounted only when ATI_BENCH_FLOOR=1, a setting the benchmark alone
sets; its table (`bench_floor`) exists only in the benchmark's database.
"""

from __future__ import annotations

import os
from typing import Any

from django.db import connection, transaction
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

TABLE = "bench_floor"


def create_table() -> None:
    """The floor's table, in the benchmark's database only."""
    key = "bigserial" if connection.vendor == "postgresql" else "integer"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id {key} PRIMARY KEY, "
            "user_id bigint NOT NULL, body varchar(64) NOT NULL, subject varchar(300) NOT NULL, "
            "information_requested text NOT NULL)"
        )


def count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
        return int(cursor.fetchone()[0])


class _Floor(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=64)
    subject = serializers.CharField(max_length=300)
    information_requested = serializers.CharField()


class FloorView(APIView):
    def post(self, request: Request) -> Response:
        data = _Floor(data=request.data)
        data.is_valid(raise_exception=True)
        row = data.validated_data
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (user_id, body, subject, information_requested) "  # noqa: S608
                "VALUES (%s, %s, %s, %s)",
                [request.user.pk, row["body"], row["subject"], row["information_requested"]],
            )
        # The worker's pid: the benchmark waits until every worker has answered.
        return Response({"worker": os.getpid()}, status=status.HTTP_201_CREATED)
