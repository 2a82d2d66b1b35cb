#!/usr/bin/python3
"""Validates JSON files against cosa's result schemas (docs/schema/*.schema.json, draft 2020-12).

usage: validate_json_schema.py [--expect-invalid] SCHEMA_DIR SCHEMA[#FRAGMENT] FILE...
       validate_json_schema.py --lint SCHEMA_DIR

SCHEMA is a file name in SCHEMA_DIR (e.g. schedule-stats.schema.json), optionally with a JSON
pointer fragment naming a sub-schema (e.g. compare-results.schema.json#/$defs/runStats). Every
*.schema.json in SCHEMA_DIR is loaded first (and checked against the draft 2020-12 meta-schema), so
that cross-file "$ref"s resolve locally: the "$id"s are identifiers, never fetched.

--lint checks the schemas themselves: each is a valid draft 2020-12 schema with an $id, a title
and a description, and every property (under any "properties") has a description, either its own
or that of the definition its "$ref" names.

Exit status: 0 when every FILE is valid (with --expect-invalid: when every FILE is rejected),
1 otherwise, 2 on a usage error or when python3-jsonschema is missing. Run it with Debian's
/usr/bin/python3 (python3-jsonschema; Debian 12 ships 4.10.3, which has RefResolver; newer
versions use the `referencing` registry, which is used when present).
"""

import json
import pathlib
import sys

try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError:
    sys.stderr.write(
        "FAIL: python3-jsonschema is missing: install Debian's python3-jsonschema "
        "(scripts/setup.sh does) and run this with /usr/bin/python3\n"
    )
    sys.exit(2)


def reject_constant(name):
    raise ValueError(f"{name} is not JSON (a NaN or infinity was written)")


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_constant=reject_constant)


def make_validator(schema_dir, target):
    schemas = load_schemas(schema_dir)
    name, _, fragment = target.partition("#")
    if name not in schemas:
        raise ValueError(f"no schema {name} in {schema_dir}")
    uri = schemas[name]["$id"] + ("#" + fragment if fragment else "")
    wrapper = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": uri}
    try:
        from referencing import Registry, Resource  # jsonschema >= 4.18
    except ImportError:
        store = {s["$id"]: s for s in schemas.values()}
        # The wrapper gets an address of its own: RefResolver stores its referrer under base_uri.
        resolver = jsonschema.RefResolver(
            base_uri="https://cosa.invalid/schema/validate-wrapper.json", referrer=wrapper, store=store
        )
        return Draft202012Validator(wrapper, resolver=resolver)
    registry = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas.values()
    )
    return Draft202012Validator(wrapper, registry=registry)


def load_schemas(schema_dir):
    schemas = {}
    for path in sorted(pathlib.Path(schema_dir).glob("*.schema.json")):
        schema = load_json(path)
        Draft202012Validator.check_schema(schema)
        for key in ("$id", "title", "description"):
            if key not in schema:
                raise ValueError(f"{path}: no {key}")
        schemas[path.name] = schema
    if not schemas:
        raise ValueError(f"no *.schema.json in {schema_dir}")
    return schemas


def resolve_local(schemas, file, ref):
    """The schema a "$ref" names: "#/$defs/x" in `file`, or "other.schema.json#/$defs/x"."""
    name, _, pointer = ref.partition("#")
    name = name or file
    node = schemas[name]
    for part in filter(None, pointer.split("/")):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return name, node


def lint(schema_dir):
    schemas = load_schemas(schema_dir)
    problems = []

    def described(file, node, seen=()):
        if "description" in node:
            return True
        ref = node.get("$ref")
        if ref is None or ref in seen:
            return False
        target_file, target = resolve_local(schemas, file, ref)
        return isinstance(target, dict) and described(target_file, target, seen + (ref,))

    def walk(file, node, where):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "properties" and isinstance(value, dict):
                    for name, sub in value.items():
                        if isinstance(sub, dict) and not described(file, sub):
                            problems.append(f"{file}: {where}/properties/{name} has no description")
                if key != "if":  # a condition's "properties" only test values
                    walk(file, value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(file, item, f"{where}/{i}")

    for file, schema in schemas.items():
        walk(file, schema, "#")
    for problem in problems:
        print(f"FAIL: {problem}")
    if not problems:
        print(f"ok: {len(schemas)} schema(s) are valid draft 2020-12 and every property is described")
    return 1 if problems else 0


def main(argv):
    if len(argv) == 2 and argv[0] == "--lint":
        try:
            return lint(argv[1])
        except (OSError, ValueError, KeyError, jsonschema.exceptions.SchemaError) as e:
            sys.stderr.write(f"FAIL: {e}\n")
            return 1
    expect_invalid = False
    if argv and argv[0] == "--expect-invalid":
        expect_invalid = True
        argv = argv[1:]
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    schema_dir, target, files = argv[0], argv[1], argv[2:]
    try:
        validator = make_validator(schema_dir, target)
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
        sys.stderr.write(f"FAIL: schema {target}: {e}\n")
        return 2
    failed = 0
    for file in files:
        try:
            instance = load_json(file)
            # Deepest first: the error at the broken field itself before the ones it causes above
            # it (an object whose property fails also reports that property as unevaluated).
            errors = sorted(
                validator.iter_errors(instance),
                key=lambda e: (-len(e.absolute_path), [str(p) for p in e.absolute_path]),
            )
        except (OSError, ValueError) as e:
            errors = [e]
        if expect_invalid:
            if errors:
                print(f"ok: {file} rejected by {target}: {describe(errors[0])}")
            else:
                failed += 1
                print(f"FAIL: {file} was expected to be rejected by {target}, but it is valid")
        elif errors:
            failed += 1
            print(f"FAIL: {file} does not match {target}:")
            for e in errors[:10]:
                print(f"  {describe(e)}")
    if not expect_invalid and not failed:
        print(f"ok: {len(files)} file(s) match {target}")
    return 1 if failed else 0


def describe(error):
    if isinstance(error, jsonschema.exceptions.ValidationError):
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        return f"at {where}: {error.message}"
    return str(error)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
