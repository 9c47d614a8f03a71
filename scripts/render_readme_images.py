"""Render README's pictures from real printouts: a template, the summary, the progress document.

Builds the demo (as ``consolidate demo`` does) in a temporary folder, prints the template of the
unit with the most rows and the summary workbook to PDF through LibreOffice, exactly as
``consolidate merge --pdf`` does, and the progress document (``consolidate report``) through
LibreOffice Writer, and turns the first page of each PDF into a PNG with poppler's
``pdftoppm``. Nothing is drawn by hand, so the pictures change only when the printout does.

    python scripts/render_readme_images.py            # rewrites docs/images/*.png
    python scripts/render_readme_images.py --out DIR  # somewhere else
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from consolidate.kinds import build_demo
from consolidate.spec import load_spec
from consolidate.write import template_filename, to_pdf, write_document

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"
DPI = 110  # a whole A4 page stays readable on a README page, and the PNG stays small


def render_first_page(pdf: Path, png: Path) -> Path:
    stem = png.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
        check=True,
        timeout=120,
    )
    return png


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=IMAGES, help="folder for template.png, summary.png, report.png")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="consolidate-images-") as work:
        built = build_demo(Path(work) / "demo")
        spec = load_spec(built.spec)
        unit = max(spec.units, key=lambda u: len(spec.items_for(u.code)))
        template = built.templates[0].parent / template_filename(spec, unit)
        written = [
            render_first_page(to_pdf(template, Path(work) / "template.pdf"), out / "template.png"),
            render_first_page(to_pdf(built.summary, Path(work) / "summary.pdf"), out / "summary.png"),
        ]
        document = write_document(built.result, Path(work) / "进展情况.docx")
        written.append(render_first_page(to_pdf(document, Path(work) / "report.pdf"), out / "report.png"))
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
