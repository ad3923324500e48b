"""MkDocs hook: adds the pages the package generates (safer_analysis.documentation.PAGES) to the
site as it is built, so that none of them is committed or can fall out of step with the code."""

from __future__ import annotations

from mkdocs.structure.files import File

from safer_analysis.documentation import PAGES


def on_files(files, config):
    for path, write in PAGES.items():
        files.append(File.generated(config, path, content=write()))
    return files
