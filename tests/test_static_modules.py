"""In production the static files get hashed names; the scripts' module imports must follow."""

import json
import re

from django.core.management import call_command
from django.test import override_settings


def test_collected_modules_import_the_hashed_files(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "massage.storage.StaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    player = (tmp_path / manifest["js/player.js"]).read_text()
    imported = re.findall(r'from "([^"]+)"', player)
    assert imported, player[:400]
    hashed_timer = manifest["js/player/timer.js"].removeprefix("js/")
    hashed_server = manifest["js/lib/server.js"].removeprefix("js/")
    assert any(name.endswith(hashed_timer) for name in imported), imported
    assert any(name.endswith(hashed_server) for name in imported), imported
    for script in ("js/app.js", "js/cues.js"):
        text = (tmp_path / manifest[script]).read_text()
        assert 'from "./lib/server.js"' not in text, script
