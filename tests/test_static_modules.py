"""In production the static files get hashed names; the scripts' module imports must follow."""

import re


def test_collected_modules_import_the_hashed_files(collected):
    root, manifest = collected
    player = (root / manifest["js/player.js"]).read_text()
    imported = re.findall(r'from "([^"]+)"', player)
    assert imported, player[:400]
    hashed_timer = manifest["js/player/timer.js"].removeprefix("js/")
    hashed_server = manifest["js/lib/server.js"].removeprefix("js/")
    assert any(name.endswith(hashed_timer) for name in imported), imported
    assert any(name.endswith(hashed_server) for name in imported), imported
    for script in ("js/app.js", "js/cues.js"):
        text = (root / manifest[script]).read_text()
        assert 'from "./lib/server.js"' not in text, script
