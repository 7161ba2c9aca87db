"""/api/v1/exchange/imports/ and /api/v1/exchange/exports/: the spreadsheet import and the anonymised exports
for integrated systems, through the same services as the pages (sinergi.exchange.imports.services,
sinergi.exchange.exports.services). An import is uploaded and previewed in one call and committed by a second
call naming it, as the page's flow; a large file or agency runs in the background worker and is polled."""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from sinergi.core.api.schema import error_responses
from sinergi.core.api.viewsets import RestrictedGenericViewSet
from sinergi.core.errors import ApplicationError
from sinergi.exchange import selectors
from sinergi.exchange.api.serializers import (
    ExportInputSerializer,
    ExportOutputSerializer,
    ImportInputSerializer,
    ImportOutputSerializer,
    ImportRowOutputSerializer,
)
from sinergi.exchange.choices import ExportStatus
from sinergi.exchange.exports import services as exports
from sinergi.exchange.imports import reader
from sinergi.exchange.imports import services as imports
from sinergi.exchange.imports.messages import file_message
from sinergi.exchange.models import ExportRun, ImportBatch

TAGS = ["exchange"]


def _validated(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ImportViewSet(RestrictedGenericViewSet):
    """The caller's agency's imports (ImportBatch.objects.restrict: another agency's id answers 404)."""

    model = ImportBatch
    api_scope = "imports:write"  # reading an import's outcome is part of importing
    serializer_class = ImportOutputSerializer
    parser_classes = [MultiPartParser, FormParser]
    restrict_actions = {"commit": "change", "rows": "view"}

    @extend_schema(
        summary="Upload and preview an import",
        description=(
            "Reads the file (its columns mapped from the agency's saved mapping or the template's names) and "
            "checks every row without saving (the preview). A file of more than 300 rows is checked in the "
            "background: poll the import until its status is `previewed`, read the rows, then commit."
        ),
        request={"multipart/form-data": ImportInputSerializer},
        responses={201: ImportOutputSerializer, **error_responses(400, 401, 403)},
        tags=TAGS,
    )
    def create(self, request):
        data = _validated(ImportInputSerializer, request.data)
        uploaded = data["file"]
        # Refused before the upload is read into memory, as on the page.
        if uploaded.size > reader.MAX_FILE_BYTES:
            raise ApplicationError(
                file_message("too_large", {"limit_mb": reader.MAX_FILE_BYTES // 2**20}),
                code="import_too_large",
            )
        batch = imports.import_upload(
            actor=request.user, record_type=data["record_type"], name=uploaded.name, data=uploaded.read()
        )
        try:
            # The page shows the proposed mapping to be confirmed; a system confirms it as proposed, so a
            # required field without a column is refused here and the upload is not kept.
            imports.import_mapping_set(
                actor=request.user,
                batch_id=batch.pk,
                mapping={int(k): v for k, v in batch.mapping.items()},
                save_for_agency=False,
            )
        except ApplicationError:
            imports.import_discard(actor=request.user, batch_id=batch.pk)
            raise
        batch = imports.import_start(actor=request.user, batch_id=batch.pk, commit=False)
        return Response(ImportOutputSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Read an import",
        responses={200: ImportOutputSerializer, **error_responses(401, 403, 404)},
        tags=TAGS,
    )
    def retrieve(self, request, pk=None):
        return Response(ImportOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Commit a previewed import",
        description=(
            "Saves the rows the preview accepted, in one transaction: a refusal or a crash saves nothing. A "
            "large file is saved in the background: poll until the status is `committed` (or `failed`)."
        ),
        request=None,
        responses={
            200: ImportOutputSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                descriptions={400: "`import_not_previewed`, `import_busy`, `import_mapping`"},
            ),
        },
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        batch = imports.import_start(actor=request.user, batch_id=self.get_object().pk, commit=True)
        return Response(ImportOutputSerializer(batch).data)

    @extend_schema(
        summary="Row outcomes of an import",
        description="Each row of the last run (preview or commit): created, updated, unchanged or rejected, why.",
        responses={200: ImportRowOutputSerializer(many=True), **error_responses(401, 403, 404)},
        tags=TAGS,
    )
    @action(detail=True, methods=["get"])
    def rows(self, request, pk=None):
        return self.paged_response(selectors.import_rows(batch=self.get_object()), ImportRowOutputSerializer)


class ExportViewSet(RestrictedGenericViewSet):
    """The caller's own exports (ExportRun.objects.restrict: only while the policy lets them export)."""

    model = ExportRun
    api_scope = "exports:read"  # asking for an export is how one reads it
    serializer_class = ExportOutputSerializer
    restrict_actions = {"download": "view"}

    @extend_schema(
        summary="Request an anonymised export",
        description=(
            "`cases` (the HTCDS 2.0 / CTDC dataset with k-anonymity) or `statistics` (the tables only), of the "
            "cases the caller's agency leads, as the exports page; supervisors and analysts. Built at once for "
            "a small agency, else in the background: poll until the status is `done`, then download."
        ),
        request=ExportInputSerializer,
        responses={201: ExportOutputSerializer, **error_responses(400, 401, 403)},
        tags=TAGS,
    )
    def create(self, request):
        data = _validated(ExportInputSerializer, request.data)
        run = exports.export_request(actor=request.user, kind=data["kind"], k=data["k"])
        return Response(ExportOutputSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Read an export",
        responses={200: ExportOutputSerializer, **error_responses(401, 403, 404)},
        tags=TAGS,
    )
    def retrieve(self, request, pk=None):
        return Response(ExportOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Download an export's data package",
        description="The Frictionless data package (zip) of a finished export.",
        responses={
            (200, "application/zip"): OpenApiResponse(description="The data package"),
            **error_responses(401, 403, 404, 409, descriptions={409: "`export_not_ready`"}),
        },
        tags=TAGS,
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        run = self.get_object()
        if run.status != ExportStatus.DONE or not run.package:
            raise ApplicationError(_("This export is not ready."), code="export_not_ready", status=409)
        return FileResponse(
            run.package.open("rb"),
            as_attachment=True,
            filename=run.package.name.rsplit("/", 1)[-1],
            content_type="application/zip",
        )
