from django.urls import path

from masar.compliance import views

app_name = "compliance"

urlpatterns = [
    path("compliance/", views.my_compliance, name="mine"),
    path("compliance/league/", views.league, name="league"),
    path("compliance/appeals/", views.appeals, name="appeals"),
    path("compliance/appeals/files/<int:file_id>/", views.appeal_file, name="appeal-file"),
    path("compliance/companies/<int:company_id>/", views.company_page, name="company"),
    path("compliance/seasons/<int:season_id>/rules/", views.rules_page, name="rules"),
]
