"""The family's data to take away: CSV and JSON exports and a printable report."""

from django.http import Http404


def family_export_csv(request, family_id):
    raise Http404


def family_export_json(request, family_id):
    raise Http404


def baby_report(request, baby_id):
    raise Http404
