from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "masar.compliance"
    label = "compliance"
    verbose_name = "Operator compliance"
