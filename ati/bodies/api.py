"""Public bodies and departments, read-only, for everyone (they are public facts).

A body is named by its code everywhere in the API (`body` of a request, `to_body` of a
transfer, the `body__code` filter), with its names in French, Arabic and English and
the legal profile it answers under.
"""

from __future__ import annotations

from rest_framework import permissions, serializers, viewsets

from ati.core.replica import replica_reads
from ati.law.models import LegalProfile

from .models import Department, PublicBody


class DepartmentSerializer(serializers.ModelSerializer[Department]):
    body: serializers.SlugRelatedField[PublicBody] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Department
        fields = ["id", "code", "body", "name_fr", "name_ar", "name_en"]


class PublicBodySerializer(serializers.ModelSerializer[PublicBody]):
    # The serializer metaclass takes declared fields out of the class, so this does not
    # shadow Field.parent at run time, whatever the stubs say.
    parent: serializers.SlugRelatedField[PublicBody] = serializers.SlugRelatedField(  # type: ignore[assignment]
        slug_field="code", read_only=True, allow_null=True
    )
    legal_profile: serializers.SlugRelatedField[LegalProfile] = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        help_text="The law the body answers under: pass it as `profile` to /grounds/",
    )

    class Meta:
        model = PublicBody
        fields = [
            "id",
            "code",
            "name_fr",
            "name_ar",
            "name_en",
            "kind",
            "parent",
            "email",
            "website",
            "legal_profile",
        ]


@replica_reads(anonymous_only=True)
class PublicBodyViewSet(viewsets.ReadOnlyModelViewSet[PublicBody]):
    queryset = PublicBody.objects.filter(is_active=True).select_related("parent", "legal_profile")
    serializer_class = PublicBodySerializer
    permission_classes = [permissions.AllowAny]
    filterset_fields = ["kind", "code"]
    lookup_field = "code"


@replica_reads(anonymous_only=True)
class DepartmentViewSet(viewsets.ReadOnlyModelViewSet[Department]):
    queryset = Department.objects.filter(is_active=True).select_related("body")
    serializer_class = DepartmentSerializer
    permission_classes = [permissions.AllowAny]
    filterset_fields = ["body__code"]
