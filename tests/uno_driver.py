"""Drive a real LibreOffice through UNO for the round-trip tests (run with a Python that has ``uno``).

The venv's Python cannot import ``uno`` (it belongs to the system's Python), so the tests run this
file as a child process: one JSON command per line on stdin, one JSON answer per line on stdout.
It starts its own headless soffice with a private profile, so parallel test runs never share one.

Commands (each answer has ``ok``; on failure ``error`` holds the traceback):

- ``{"cmd": "fill", "src": F, "sheet": S, "cells": {"D6": "100", ...}, "save": [PATH, FILTER]}``
  opens F, goes to each cell and enters the text as typed on the keyboard (the cell's input
  parsing, number recognition and sheet protection apply), then saves a copy as PATH with the
  export filter FILTER. Answers with what each cell holds afterwards. Data validation is not
  applied to text entered this way (LibreOffice checks it in the cell editor, which a headless
  office has not got), so a value a dropdown would refuse still goes in, as it does when pasted.
- ``{"cmd": "inspect", "src": F, "sheet": S, "cells": ["C6", "D6", ...]}``: sheets (visible,
  protected), per cell the lock flag and data validation, the sheet's page setup.
- ``{"cmd": "recalc", "src": F, "save": [PATH, FILTER]}``: opens F, recalculates every formula
  (``calculateAll``), answers with every sheet's values and formulas; ``save`` is optional.

Every answer also lists the interaction requests LibreOffice raised while loading (``warnings``):
load warnings, repair prompts and filter errors all arrive there.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

import uno  # type: ignore[import-not-found]
import unohelper  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]
from com.sun.star.task import XInteractionHandler  # type: ignore[import-not-found]

# The clerk's LibreOffice is Chinese; the locale decides how typed numbers and dates are read.
# Recalculating on load (0 = always) makes LibreOffice compute every formula itself. No .~lock
# files: one left behind, or not yet removed, opens the next document read-only, and typing into
# a read-only document aborts a headless soffice.
PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="UseDocumentOOoLockFile" oor:op="fuse">
<value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="UseDocumentSystemFileLocking" oor:op="fuse">
<value>false</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">
<value>zh-CN</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""

CELL_TYPES = {"EMPTY": "empty", "VALUE": "value", "TEXT": "text", "FORMULA": "formula"}


def prop(name: str, value: Any) -> Any:
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def _tolerate_exception_args() -> None:
    """LibreOffice 7.4's pyuno cannot hand a UNO exception to Python 3.11 (``AttributeError:
    args``), which makes every interaction request unreadable; keep ``args`` on the wrapper."""
    setattr_struct = uno._uno_struct__setattr__

    def patched(self: Any, name: str, value: Any) -> None:
        if name == "args":
            self.__dict__[name] = value
            return
        setattr_struct(self, name, value)

    uno._uno_struct__setattr__ = patched


_tolerate_exception_args()


class RecordingHandler(unohelper.Base, XInteractionHandler):  # type: ignore[misc]
    """Records every request instead of showing a dialog; continues where it can, else aborts."""

    def __init__(self) -> None:
        self.requests: list[str] = []

    def handle(self, request: Any) -> None:
        what = request.getRequest()
        code = getattr(what, "ErrCode", None)
        message = getattr(what, "Message", "")
        self.requests.append(f"{what.typeName} {code:#x}" if code is not None else f"{what.typeName} {message}")
        choices = request.getContinuations()
        for wanted in ("com.sun.star.task.XInteractionApprove", "com.sun.star.task.XInteractionAbort"):
            for choice in choices:
                if choice.queryInterface(uno.getTypeByName(wanted)) is not None:
                    choice.select()
                    return


class Office:
    def __init__(self) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="consolidate-uno-"))
        user = self.profile / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, encoding="utf-8")
        pipe = f"consolidate_test_{os.getpid()}"
        # soffice leaves the socket of its named pipe behind in the temporary folder.
        self.pipe_socket = Path(os.environ.get("TMPDIR") or "/tmp") / f"OSL_PIPE_{os.getuid()}_{pipe}"
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            raise SystemExit("soffice not found")
        self.proc = subprocess.Popen(
            [
                soffice,
                f"-env:UserInstallation={self.profile.as_uri()}",
                "--headless",
                "--invisible",
                "--norestore",
                "--nologo",
                "--nodefault",
                "--nolockcheck",
                f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
            ],
            # stdout is the answer channel; soffice's own messages (a crash report) go to stderr,
            # which pytest shows with a failing test.
            stdout=sys.stderr,
            stderr=sys.stderr,
            env={**os.environ, "TMPDIR": str(self.profile)},  # its temporary files go with the profile
        )
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + 90
        while True:
            try:
                self.ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("soffice did not start") from None
                time.sleep(0.1)
        smgr = self.ctx.ServiceManager
        self.desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", self.ctx)
        self.dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", self.ctx)

    def load(self, src: str) -> tuple[Any, list[str]]:
        handler = RecordingHandler()
        url = uno.systemPathToFileUrl(str(Path(src).resolve()))
        doc = self.desktop.loadComponentFromURL(
            url, "_blank", 0, (prop("Hidden", True), prop("InteractionHandler", handler))
        )
        if doc is None:
            raise RuntimeError(f"LibreOffice could not open {src}: {handler.requests}")
        return doc, handler.requests

    @staticmethod
    def save(doc: Any, target: list[str] | None) -> None:
        if target:
            path, filter_name = target
            url = uno.systemPathToFileUrl(str(Path(path).resolve()))
            # Drawing the .ods thumbnail needs a view headless soffice cannot paint; it aborts.
            doc.storeToURL(url, (prop("FilterName", filter_name), prop("Overwrite", True), prop("NoThumbnail", True)))

    def close(self, doc: Any) -> None:
        # A modified document asks "save changes?" when closed; headless, that message box
        # aborts soffice. The copies are already stored, so the changes can be dropped.
        doc.setModified(False)
        doc.close(True)

    def quit(self) -> None:
        # terminate() ends the process, so the bridge's "disposed" error is the normal answer.
        with contextlib.suppress(Exception):
            self.desktop.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)
        self.pipe_socket.unlink(missing_ok=True)

    # -- commands ------------------------------------------------------------------------------

    def fill(self, job: dict[str, Any]) -> dict[str, Any]:
        doc, warnings = self.load(job["src"])
        if doc.isReadonly():
            # Typing into a read-only document opens a message box, which kills a headless soffice.
            self.close(doc)
            raise RuntimeError(f"{job['src']} opened read-only (a stale .~lock file next to it?)")
        try:
            controller = doc.getCurrentController()
            sheet = doc.Sheets.getByName(job["sheet"])
            controller.setActiveSheet(sheet)
            frame = controller.getFrame()
            for address, text in job["cells"].items():
                self.dispatcher.executeDispatch(frame, ".uno:GoToCell", "", 0, (prop("ToPoint", address),))
                self.dispatcher.executeDispatch(frame, ".uno:EnterString", "", 0, (prop("StringName", text),))
            cells = {address: cell_state(sheet.getCellRangeByName(address)) for address in job["cells"]}
            self.save(doc, job.get("save"))
        finally:
            self.close(doc)
        return {"cells": cells, "warnings": warnings}

    def inspect(self, job: dict[str, Any]) -> dict[str, Any]:
        doc, warnings = self.load(job["src"])
        try:
            sheets = [
                {"name": s.Name, "visible": bool(s.IsVisible), "protected": bool(s.isProtected())}
                for s in (doc.Sheets.getByIndex(i) for i in range(doc.Sheets.Count))
            ]
            sheet = doc.Sheets.getByName(job["sheet"])
            cells = {}
            for address in job.get("cells", []):
                cell = sheet.getCellRangeByName(address)
                validation = cell.Validation
                cells[address] = {
                    **cell_state(cell),
                    "locked": bool(cell.CellProtection.IsLocked),
                    "validation": {
                        "type": validation.Type.value,
                        "formula1": validation.getFormula1(),
                        "show_error": bool(validation.ShowErrorMessage),
                        "alert": validation.ErrorAlertStyle.value,
                        "show_input": bool(validation.ShowInputMessage),
                        "input_message": validation.InputMessage,
                        "dropdown": validation.ShowList,
                    },
                }
            style = doc.StyleFamilies.getByName("PageStyles").getByName(sheet.PageStyle)
            title_rows = sheet.getTitleRows()
            page = {
                "landscape": bool(style.IsLandscape),
                "width_mm": style.Width / 100,
                "height_mm": style.Height / 100,
                "pages_wide": style.ScaleToPagesX,
                "pages_tall": style.ScaleToPagesY,
                "repeat_rows": [title_rows.StartRow + 1, title_rows.EndRow + 1] if sheet.getPrintTitleRows() else None,
            }
        finally:
            self.close(doc)
        return {"sheets": sheets, "cells": cells, "page": page, "warnings": warnings}

    def recalc(self, job: dict[str, Any]) -> dict[str, Any]:
        doc, warnings = self.load(job["src"])
        try:
            doc.calculateAll()
            sheets = {}
            for i in range(doc.Sheets.Count):
                sheet = doc.Sheets.getByIndex(i)
                cursor = sheet.createCursor()
                cursor.gotoEndOfUsedArea(False)
                end = cursor.RangeAddress
                area = sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow)
                sheets[sheet.Name] = {
                    "values": [list(row) for row in area.getDataArray()],
                    "formulas": [list(row) for row in area.getFormulaArray()],
                }
            self.save(doc, job.get("save"))
        finally:
            self.close(doc)
        return {"sheets": sheets, "warnings": warnings}


def cell_state(cell: Any) -> dict[str, Any]:
    return {
        "type": CELL_TYPES.get(cell.Type.value, cell.Type.value),
        "string": cell.String,
        "value": cell.Value,
        "formula": cell.Formula,
    }


def main() -> None:
    office = Office()
    print(json.dumps({"ok": True, "ready": True}), flush=True)
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            job = json.loads(line)
            if job["cmd"] == "quit":
                break
            try:
                answer = {"ok": True, **getattr(office, job["cmd"])(job)}
            except Exception:
                answer = {"ok": False, "error": traceback.format_exc()}
            print(json.dumps(answer, ensure_ascii=False), flush=True)
    finally:
        office.quit()


if __name__ == "__main__":
    main()
