"""The JSON API under `/api/` (docs/http.md)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from study_guide.content.catalogue import Catalogue
from study_guide.content.volume import numeral_of
from study_guide.errors import AppError
from study_guide.services import services
from study_guide.web.auth import owner_required

bp = Blueprint("api", __name__, url_prefix="/api")


def catalogue() -> Catalogue:
    return services().catalogue


def added_volume(record: dict) -> dict:
    """What the manage page lists of a volume just added, edited or restored."""
    volume = {key: record.get(key) for key in ("id", "number", "title", "added_at")}
    if record.get("edited_at"):
        volume["edited_at"] = record["edited_at"]
    return volume | {"numeral": numeral_of(str(volume["number"])), "builtin": False}


def json_body() -> object:
    body = request.get_json(silent=True)
    if body is None:
        raise AppError('Send a JSON body (Content-Type: application/json) with "number", '
                       '"title" and "html" (or "markdown").', status=400, code="bad_json")
    return body


@bp.get("/volumes")
def list_volumes() -> object:
    volumes, _ = catalogue().snapshot()
    return jsonify({"volumes": [volume.summary() for volume in volumes]})


@bp.post("/volumes/preview")
@owner_required
def preview() -> object:
    prepared = catalogue().prepare(json_body())
    return jsonify({"html": prepared.html, "report": prepared.report.as_dict(),
                    "title": prepared.title, "format": prepared.format})


@bp.post("/volumes")
@owner_required
def add() -> object:
    record, report = catalogue().add(json_body())
    return jsonify({"volume": added_volume(record), "report": report.as_dict()}), 201


@bp.get("/volumes/<volume_id>")
@owner_required
def get_volume(volume_id: str) -> object:
    """What the owner wrote, to edit it: Markdown volumes carry their source."""
    record = catalogue().record(volume_id)
    volume = {key: str(record.get(key, "")) for key in ("id", "number", "title", "html")}
    if record.get("format") == "markdown" and isinstance(record.get("source"), str):
        volume |= {"format": "markdown", "source": record["source"]}
    return jsonify(volume)


@bp.put("/volumes/<volume_id>")
@owner_required
def edit(volume_id: str) -> object:
    record, report = catalogue().edit(volume_id, json_body())
    return jsonify({"volume": added_volume(record), "report": report.as_dict()})


@bp.delete("/volumes/<volume_id>")
@owner_required
def delete(volume_id: str) -> object:
    catalogue().delete(volume_id)
    return "", 204


@bp.post("/connection-test")
@owner_required
def connection_test() -> object:
    return jsonify(catalogue().store.connection_test().as_dict())


@bp.get("/revisions")
@owner_required
def revisions() -> object:
    return jsonify({"revisions": catalogue().store.revisions()})


@bp.post("/volumes/restore")
@owner_required
def restore() -> object:
    body = json_body()
    if not isinstance(body, dict) or not body.get("revision") or not body.get("volume_id"):
        raise AppError('Send {"revision": "<version>", "volume_id": "<id>"}.', status=400,
                       code="bad_input")
    record = catalogue().restore(str(body["revision"]), str(body["volume_id"]))
    return jsonify({"volume": added_volume(record)}), 201
