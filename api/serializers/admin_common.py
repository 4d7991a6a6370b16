"""Pieces the programme-admin endpoints share: people and organisations as admins see them."""

from rest_framework import serializers


class AdminPersonSerializer(serializers.Serializer):
    """A participant as the admin pages name them: their name and address."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)


class AdminOrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True)
