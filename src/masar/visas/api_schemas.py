"""Typed shapes of the public visa answers (published keys, seal verification) for the
OpenAPI document: the views build these dicts in the seal and key modules; the serializers
here only describe them, so that generated clients get typed models."""

from __future__ import annotations

from rest_framework import serializers

from masar.visas.seal.verify import Verdict


class VisaKeyCertificateOutput(serializers.Serializer):
    kind = serializers.CharField(help_text="csca or signer")
    signer_identifier = serializers.CharField(allow_null=True, help_text="null for the CSCA")
    certificate_reference = serializers.CharField(allow_null=True, help_text="null for the CSCA")
    subject = serializers.CharField()
    not_before = serializers.DateTimeField()
    not_after = serializers.DateTimeField()
    key_usage_until = serializers.DateTimeField(allow_null=True)
    current = serializers.BooleanField()
    fingerprint_sha256 = serializers.CharField()
    pem = serializers.CharField()


class VisaKeysOutput(serializers.Serializer):
    certificates = VisaKeyCertificateOutput(many=True)


class SealStayOutput(serializers.Serializer):
    days = serializers.IntegerField()
    months = serializers.IntegerField()
    years = serializers.IntegerField()


class SealUnknownFeatureOutput(serializers.Serializer):
    tag = serializers.IntegerField()
    value = serializers.CharField(help_text="hexadecimal")


class SealMrzErrorOutput(serializers.Serializer):
    field = serializers.CharField()
    code = serializers.CharField()


class SealHolderOutput(serializers.Serializer):
    surname = serializers.CharField()
    given_names = serializers.CharField()
    nationality = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    sex = serializers.CharField()
    document_number = serializers.CharField()
    issuing_state = serializers.CharField()
    mrz_valid_until = serializers.DateField(allow_null=True)
    mrz_errors = SealMrzErrorOutput(many=True)


class SealVisaOutput(serializers.Serializer):
    visa_number = serializers.CharField(allow_null=True)
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    passport_number = serializers.CharField(allow_null=True)
    number_of_entries = serializers.IntegerField(allow_null=True)
    duration_of_stay = SealStayOutput(allow_null=True)
    visa_type = serializers.IntegerField(allow_null=True)
    mrz_format = serializers.CharField()
    mrz = serializers.ListField(child=serializers.CharField())
    unknown_features = SealUnknownFeatureOutput(many=True)
    holder = SealHolderOutput(allow_null=True)


class SealHeaderOutput(serializers.Serializer):
    version = serializers.IntegerField()
    issuing_country = serializers.CharField()
    signer_identifier = serializers.CharField()
    certificate_reference = serializers.CharField()
    document_issue_date = serializers.DateField()
    signature_date = serializers.DateField()
    feature_definition_reference = serializers.IntegerField()
    document_type_category = serializers.IntegerField()


class SealSignerOutput(serializers.Serializer):
    signer_identifier = serializers.CharField()
    certificate_reference = serializers.CharField()
    subject = serializers.CharField()
    issuer = serializers.CharField()
    not_before = serializers.DateField()
    not_after = serializers.DateField()


class SealRevocationListOutput(serializers.Serializer):
    issued_at = serializers.DateTimeField()
    next_update = serializers.DateTimeField(allow_null=True)
    entries = serializers.IntegerField()


class SealVerifyOutput(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=[v.value for v in Verdict])
    reason = serializers.CharField()
    message = serializers.CharField()
    checked_on = serializers.DateField()
    visa = SealVisaOutput(allow_null=True, help_text="What the seal says (valid or not).")
    header = SealHeaderOutput(allow_null=True)
    signer = SealSignerOutput(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    revocation_list = SealRevocationListOutput(allow_null=True)


class RevocationSignerOutput(serializers.Serializer):
    signer_identifier = serializers.CharField()
    certificate_reference = serializers.CharField()


class RevokedVisaOutput(serializers.Serializer):
    visa_number = serializers.CharField()
    revoked_at = serializers.DateTimeField()


class RevocationListOutput(serializers.Serializer):
    format = serializers.CharField(help_text="masar-visa-revocations/1")
    issuing_country = serializers.CharField()
    issued_at = serializers.DateTimeField()
    next_update = serializers.DateTimeField(allow_null=True)
    signer = RevocationSignerOutput()
    revoked = RevokedVisaOutput(many=True)
    signature = serializers.CharField(
        help_text="base64 of r || s (ECDSA P-256, SHA-256) over the object without this "
        "member, canonical (RFC 8785)."
    )


class DecisionStatsOutput(serializers.Serializer):
    decided = serializers.IntegerField()
    automatic = serializers.IntegerField()
    automatic_share = serializers.FloatField(allow_null=True)
    mean_hours_to_decision = serializers.FloatField(allow_null=True)
    mean_hours_automatic = serializers.FloatField(allow_null=True)
    mean_hours_manual = serializers.FloatField(allow_null=True)
