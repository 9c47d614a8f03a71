"""``consolidate serve``: the upload page on the bureau's own network.

Each unit opens its own link, downloads its pre-filled template, uploads the file it filled and
sees at once what the checks say; the clerk's page shows who has returned and gives the summary.

:mod:`.tokens` (the links, kept beside the spec), :mod:`.uploads` (what an upload does: checked
as ``validate`` checks it, saved as the unit's return or refused), :mod:`.pages` (the HTML) and
:mod:`.app` (the Starlette application). Only the command line imports this package, and only
inside ``serve`` (Starlette and uvicorn are not imported for anything else).
"""
