#!/usr/bin/env python3
"""The layering of src/ (docs/architecture.md), checked on every #include "...": each folder may
include only itself and the folders listed for it, so dependencies point one way; and no source file
outside io/ includes a YAML, ONNX or JSON-file reader's third-party header for parsing files
(yaml-cpp, onnx), and none is longer than the limit. Exit 1 listing every violation."""
import pathlib
import re
import sys

SRC = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parent.parent / "src")
MAX_LINES = 620  # "no file over about 600 lines"

SPECS = ["common", "workload", "arch", "mapping", "model"]
# folder -> the folders (besides itself) its files may include; "io" stands for any io/ subfolder.
ALLOWED = {
    "common": [],
    "workload": ["common"],
    "arch": ["common"],
    "mapping": ["common", "workload", "arch"],
    "model": ["common", "workload", "arch", "mapping"],
    "solver": ["common"],
    "mappers": SPECS + ["solver"],
    "io/yaml": ["common", "io"],
    "io/timeloop": SPECS + ["io"],
    "io/network": SPECS + ["io"],
    "io/onnx": SPECS + ["io"],
    "io/sweep": SPECS + ["io"],
    "io/results": SPECS + ["io", "solver", "mappers"],
    "io": SPECS + ["io"],
    "report": SPECS + ["io", "solver", "mappers"],
    "app": SPECS + ["io", "solver", "mappers", "report"],
    "api": SPECS + ["io", "solver", "mappers", "report", "app", "cosa"],
    "cli": SPECS + ["io", "solver", "mappers", "report", "app", "api", "cosa"],
}
# Third-party parsers of file formats: only io/ reads files with them.
FORMAT_HEADERS = re.compile(r'#include\s+[<"](yaml-cpp/|onnx/)')
INCLUDE = re.compile(r'#include\s+"([^"]+)"')
# Reading a file's contents: only io/ opens files to parse them.
FILE_READS = re.compile(r"std::ifstream|json::parse\(|YamlView::loadFile|YAML::LoadFile")


def folder_of(rel: pathlib.PurePath) -> str:
    parts = rel.parts
    if parts[0] == "io" and len(parts) > 2:
        return "io/" + parts[1]
    return parts[0]


def target_of(include: str) -> str:
    parts = include.split("/")
    if parts[0] == "io":
        return "io"
    return parts[0]


violations = []
for path in sorted(SRC.rglob("*")):
    if path.suffix not in (".cpp", ".hpp"):
        continue
    rel = path.relative_to(SRC)
    folder = folder_of(rel)
    text = path.read_text()
    if folder not in ALLOWED:
        violations.append(f"{rel}: folder {folder} has no layering rule (add it to {__file__})")
        continue
    own = "io" if folder.startswith("io") else folder
    allowed = set(ALLOWED[folder]) | {own}
    for number, line in enumerate(text.splitlines(), 1):
        match = INCLUDE.match(line.strip())
        if match:
            target = target_of(match.group(1))
            if target not in allowed and "/" in match.group(1):
                violations.append(f"{rel}:{number}: includes {match.group(1)} ({folder} may include: "
                                  f"{', '.join(sorted(allowed))})")
        if FILE_READS.search(line) and not folder.startswith("io"):
            violations.append(f"{rel}:{number}: reads a file outside io/: {line.strip()}")
        if FORMAT_HEADERS.match(line.strip()) and not folder.startswith("io"):
            violations.append(f"{rel}:{number}: a format parser's header outside io/: {line.strip()}")
    lines = text.count("\n")
    if lines > MAX_LINES:
        violations.append(f"{rel}: {lines} lines (over {MAX_LINES}: split it)")

for v in violations:
    print(v)
print(f"layering: {len(violations)} violation(s) in {SRC}")
sys.exit(1 if violations else 0)
