"""Public bodies and departments, read-only, for everyone (they are public facts)."""

from __future__ import annotations

from rest_framework import permissions, serializers, viewsets

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
        ]


class PublicBodyViewSet(viewsets.ReadOnlyModelViewSet[PublicBody]):
    queryset = PublicBody.objects.filter(is_active=True).select_related("parent")
    serializer_class = PublicBodySerializer
    permission_classes = [permissions.AllowAny]
    filterset_fields = ["kind", "code"]
    lookup_field = "code"


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet[Department]):
    queryset = Department.objects.filter(is_active=True).select_related("body")
    serializer_class = DepartmentSerializer
    permission_classes = [permissions.AllowAny]
    filterset_fields = ["body__code"]
