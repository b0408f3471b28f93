"""Static files in production: WhiteNoise's compressed manifest storage, also rewriting the
scripts' module imports (`import … from "./lib/server.js"`) to the hashed names, so modules load
the files they were built with and no inline import map is needed (the CSP allows no inline
script)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
