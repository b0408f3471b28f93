"""The family's data to take away: CSV and JSON exports and a printable report."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from cues import exports
from cues.forms import ReportRangeForm
from massage.content import page_language
from massage.errors import MALFORMED
from massage.selectors import families as family_selectors

# Excel reads a CSV as UTF-8 (names like "Zoë") only when it starts with a byte-order mark.
UTF8_BOM = "\ufeff"
# Lines are sent in pieces of about this many characters, not one write per line.
STREAM_PIECE = 64 * 1024


class _Echo:
    """A file-like object whose write() hands back the line, for csv.writer to stream."""

    def write(self, value):
        return value


def _csv_pieces(rows):
    writer = csv.writer(_Echo())
    lines, size = [UTF8_BOM], 0
    for row in rows:
        line = writer.writerow(row)
        lines.append(line)
        size += len(line)
        if size >= STREAM_PIECE:
            yield "".join(lines)
            lines, size = [], 0
    yield "".join(lines)


def _attachment(response, filename):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@never_cache
@login_required
@require_safe
def family_export_csv(request, family_id):
    family = family_selectors.family_of(request.user, family_id)
    response = StreamingHttpResponse(
        _csv_pieces(exports.family_csv_rows(family, language=page_language())),
        content_type="text/csv; charset=utf-8",
    )
    return _attachment(response, exports.export_filename(family, "csv"))


@never_cache
@login_required
@require_safe
def family_export_json(request, family_id):
    family = family_selectors.family_of(request.user, family_id)
    response = JsonResponse(
        exports.family_document(family, language=page_language()),
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )
    return _attachment(response, exports.export_filename(family, "json"))


@login_required
@require_safe
def baby_report(request, baby_id):
    baby = family_selectors.baby_of(request.user, baby_id)
    start, end = exports.default_report_range()
    data = {
        "start": request.GET.get("start") or start.isoformat(),
        "end": request.GET.get("end") or end.isoformat(),
    }
    form = ReportRangeForm(data)
    context = {"baby": baby, "form": form, "today": timezone.localdate(), "report": None}
    if not form.is_valid():
        return render(request, "cues/baby_report.html", context, status=MALFORMED)
    context["report"] = exports.baby_report(
        baby, form.cleaned_data["start"], form.cleaned_data["end"]
    )
    return render(request, "cues/baby_report.html", context)
