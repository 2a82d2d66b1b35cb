"""Shared fixtures: the CLI the results are checked against (COSA_CLI, set by ctest) and the
bundled data."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
ARCH = DATA / "arch" / "simba.yaml"
PROBLEM = DATA / "problems" / "resnet50_conv1.yaml"
MAPSPACE = DATA / "mapspace" / "simba_bypass.yaml"
MAPPING = DATA / "mappings" / "simba_resnet50_conv1.yaml"

# Timings differ between runs; everything else must be equal.
TIME_FIELDS = {"time_s", "total_time_s", "solve_time_s", "wall_time_s"}


def without_times(value):
    if isinstance(value, dict):
        return {k: without_times(v) for k, v in value.items() if k not in TIME_FIELDS}
    if isinstance(value, list):
        return [without_times(v) for v in value]
    return value


@pytest.fixture(scope="session")
def cli():
    path = os.environ.get("COSA_CLI", str(ROOT / "build" / "cosa"))
    assert os.access(path, os.X_OK), "set COSA_CLI to the cosa binary (ctest does)"

    def run(*args, check=True):
        result = subprocess.run([path, *map(str, args)], capture_output=True, text=True)
        if check and result.returncode != 0:
            raise AssertionError("cosa %s: exit %d\n%s" % (" ".join(map(str, args)), result.returncode,
                                                           result.stderr))
        return result

    return run
