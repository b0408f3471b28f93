"""Static files in production: WhiteNoise's compressed manifest storage, also rewriting the
scripts' module imports (`import … from "./lib/server.js"`) to the hashed names, so modules load
the files they were built with and no inline import map is needed (the CSP allows no inline
script).

The site's own styles and scripts (those of STATICFILES_DIRS, not Django's admin) are minified
first: scripts with tdewolff's minifier (the `tdewolff-minify` package), whose comments and spaces
go and whose functions' local names get shorter; styles with rCSSmin, which takes out comments and
spaces only (tdewolff's also rewrites values, `background: transparent` as `0 0`, for some 50
bytes of gzip on the player). The minified text then takes the source's place in STATIC_ROOT
before the manifest storage reads it, so the hashed names, the rewritten imports and WhiteNoise's
.gz and .br files are all made from it. The sources in static/ stay as written;
`make run` (DEBUG) and the test suite (TESTING) serve those, with Django's plain storage.
"""

import tempfile
from pathlib import Path

import minify
import rcssmin
from django.conf import settings
from django.core.files.base import ContentFile
from whitenoise.storage import CompressedManifestStaticFilesStorage

MEDIA_TYPES = {".css": "text/css", ".js": "text/javascript"}


def minified(name: str, text: str) -> str:
    """`text`, the content of the stylesheet or script `name`, as production serves it."""
    suffix = Path(name).suffix
    if suffix == ".css":
        return rcssmin.cssmin(text)
    # Through files rather than minify.string, whose answer has room for only as many bytes as
    # the question had.
    with tempfile.TemporaryDirectory(prefix="minify-") as folder:
        source, target = Path(folder) / f"source{suffix}", Path(folder) / f"minified{suffix}"
        source.write_text(text, encoding="utf-8")
        minify.file(MEDIA_TYPES[suffix], str(source), str(target))
        return target.read_text(encoding="utf-8")


def is_own(name: str, storage) -> bool:
    """Whether the file `name`, found in `storage`, is one of the site's styles or scripts."""
    if Path(name).suffix not in MEDIA_TYPES or ".min." in name:
        return False
    location = getattr(storage, "location", None)
    if location is None:
        return False
    own = {
        Path(entry[1] if isinstance(entry, (tuple, list)) else entry).resolve()
        for entry in settings.STATICFILES_DIRS
    }
    return Path(location).resolve() in own


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True

    def post_process(self, paths, dry_run=False, **options):
        if not dry_run:
            paths = dict(paths)
            for name, (storage, path) in paths.items():
                if not is_own(name, storage):
                    continue
                with storage.open(path) as original:
                    text = original.read().decode("utf-8")
                if self.exists(name):
                    self.delete(name)
                self._save(name, ContentFile(minified(name, text).encode("utf-8")))
                # The manifest storage reads each file from where it was found: from here on,
                # that is the minified copy.
                paths[name] = (self, name)
        yield from super().post_process(paths, dry_run=dry_run, **options)
