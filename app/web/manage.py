"""The owner's page: storage status, the volume builder and the list of volumes."""

from __future__ import annotations

from importlib.resources import files

from flask import Blueprint, redirect, render_template, request, url_for

from study_guide.errors import AppError
from study_guide.services import services
from study_guide.storage.document import readable_time
from study_guide.web.auth import is_owner

bp = Blueprint("manage", __name__)
PROMPT = files("study_guide") / "templates" / "manage" / "prompt.txt"
# The owner page's scripts, in the order it loads them (see the top of manage-core.js).
OWNER_SCRIPTS = ("manage-core.js", "volume-list.js", "volume-form.js", "draft.js",
                 "connection.js")


@bp.get("/manage")
def index() -> object:
    if not is_owner():
        return redirect(url_for("auth.login", next=request.path))
    catalogue = services().catalogue
    try:
        volumes, snapshot = catalogue.snapshot()
        load_error, synced_at, notice = "", snapshot.synced_at, snapshot.notice
        unshown = catalogue.unshown()
    except AppError as error:
        # A wrong token or a broken file must not lock the owner out of the page whose
        # connection test says how to fix it.
        volumes = list(catalogue.builtins)
        load_error, synced_at, notice = error.message, "", ""
        unshown = []
    added = [volume for volume in volumes if not volume.builtin]
    numbers = [int(volume.number) for volume in volumes if volume.number.isdigit()]
    return render_template(
        "manage/index.html",
        storage=catalogue.store.describe(),
        added=added,
        builtins=[volume for volume in volumes if volume.builtin],
        synced_at=synced_at,
        notice=notice,
        unshown=unshown,
        load_error=load_error,
        readable_time=readable_time,
        next_number=max(numbers, default=0) + 1,
        prompt=PROMPT.read_text(encoding="utf-8"),
        max_volume_size=services().settings.max_volume_size,
        owner_scripts=OWNER_SCRIPTS,
        llm=services().llm.describe(),
    )
