"""The Python API against the CLI: the same inputs give the same numbers (ResNet-50 conv1 on Simba
for evaluate and schedule, a small bundled network for schedule_network and compare)."""
import ctypes
import json
import os
import re
import signal
import threading
import time

import pytest
import yaml

import cosa
from conftest import ARCH, MAPPING, MAPSPACE, PROBLEM, ROOT, without_times

# Long enough that the solver proves optimality however loaded the machine is, so both sides agree.
TIME_LIMIT = 120


def test_evaluate_equals_cli(cli):
    expected = json.loads(cli("evaluate", "--arch", ARCH, "--problem", PROBLEM, "--mapping", MAPPING,
                              "--json").stdout)
    result = cosa.evaluate(ARCH, PROBLEM, MAPPING)
    assert result == expected
    assert result["cycles"] == 115248  # docs/results: the reference mapping's cycles (Timeloop's)


def test_specs_from_dicts_equal_files(tmp_path):
    def document(path):
        with open(path) as f:
            return yaml.safe_load(f)

    from_dicts = cosa.evaluate(cosa.load_architecture(document(ARCH)), cosa.load_problem(document(PROBLEM)),
                               cosa.load_mapping(document(MAPPING)))
    from_files = cosa.evaluate(ARCH, PROBLEM, MAPPING)
    # An unnamed layer is named after its source: the file, or "<problem dict>".
    assert from_dicts.pop("workload") == "<problem dict>" and from_files.pop("workload") == "resnet50_conv1"
    assert from_dicts == from_files
    # Saved and loaded again: the same architecture and mapping.
    arch = cosa.load_architecture(ARCH)
    arch.save(tmp_path / "arch.yaml")
    cosa.load_mapping(MAPPING).save(tmp_path / "mapping.yaml")
    assert cosa.load_architecture(tmp_path / "arch.yaml").yaml == arch.yaml
    assert cosa.evaluate(tmp_path / "arch.yaml", PROBLEM, tmp_path / "mapping.yaml") == \
        cosa.evaluate(ARCH, PROBLEM, MAPPING)
    # The problem without its top-level key, as a user builds it in Python.
    problem = document(PROBLEM)["problem"]
    assert cosa.evaluate(ARCH, problem, MAPPING)["cycles"] == from_dicts["cycles"]


def test_invalid_mapping_is_a_result_like_the_cli(cli, tmp_path):
    mapping = yaml.safe_load(open(MAPPING))
    for entry in mapping["mapping"]:  # a factor product that is not the bound: an invalid mapping
        if entry["target"] == "DRAM" and entry["type"] == "temporal":
            entry["factors"] = re.sub(r"K=(\d+)", lambda m: "K=%d" % (2 * int(m.group(1))), entry["factors"])
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(mapping))
    expected = cli("evaluate", "--arch", ARCH, "--problem", PROBLEM, "--mapping", path, "--json", check=False)
    assert expected.returncode == 1
    result = cosa.evaluate(ARCH, PROBLEM, path)
    assert result["valid"] is False
    assert result == json.loads(expected.stdout)


def test_bad_input_raises_input_error_with_the_cli_message(cli, tmp_path):
    bad = tmp_path / "problem.yaml"
    bad.write_text("problem:\n  shape: cnn-layer\n  R: 3\n  S: 3\n  P: -4\n")
    expected = cli("evaluate", "--arch", ARCH, "--problem", bad, "--mapping", MAPPING, check=False)
    assert expected.returncode == 2
    with pytest.raises(cosa.InputError) as error:
        cosa.load_problem(bad)
    assert isinstance(error.value, ValueError)
    assert expected.stderr.strip() == "cosa: error: " + str(error.value)
    assert (error.value.file, error.value.line, error.value.column) == (str(bad), 5, 6)
    assert error.value.field == "problem.P"
    with pytest.raises(cosa.InputError, match="unknown MIP solver backend 'nope'"):
        cosa.schedule(ARCH, PROBLEM, backend="nope")


def test_schedule_conv1_equals_cli(cli, tmp_path):
    cli("schedule", "--arch", ARCH, "--problem", PROBLEM, "--mapspace", MAPSPACE, "--time-limit", TIME_LIMIT,
        "--out", tmp_path)
    # A Python thread ticks while the solve runs: it can only if the solve released the GIL.
    ticks = []
    done = threading.Event()
    ticker = threading.Thread(target=lambda: [ticks.append(time.monotonic()) for _ in iter(
        lambda: done.wait(0.01), True)])
    ticker.start()
    start = time.monotonic()
    result = cosa.schedule(ARCH, PROBLEM, MAPSPACE, objective="edp", time_limit=TIME_LIMIT, seed=0,
                           backend="cbc")
    elapsed = time.monotonic() - start
    done.set()
    ticker.join()
    assert elapsed > 0.5 and len(ticks) > elapsed / 0.01 / 4, (elapsed, len(ticks))
    assert result.found
    expected = json.loads((tmp_path / "stats.json").read_text())
    assert without_times(result.stats) == without_times(expected)
    assert str(result.mapping) == (tmp_path / "mapping.yaml").read_text()
    # The mapping evaluates to the schedule's own numbers.
    evaluation = cosa.evaluate(ARCH, PROBLEM, result.mapping)
    assert (evaluation["cycles"], evaluation["energy_pJ"]) == (expected["cycles"], expected["energy_pJ"])
    # and write() writes what the CLI writes.
    result.write(tmp_path / "api")
    for name in ("mapping.yaml", "problem.yaml", "loopnest.txt"):
        assert (tmp_path / "api" / name).read_text() == (tmp_path / name).read_text()


NETWORK_ARGS = dict(network="small_layers", mapspace=MAPSPACE, jobs=2, objective="latency")


def test_schedule_network_equals_cli(cli, tmp_path):
    cli("network", "--arch", ARCH, "--mapspace", MAPSPACE, "--network", "small_layers", "--jobs", 2,
        "--objective", "latency", "--out", tmp_path / "cli")
    seen = []
    result = cosa.schedule_network(ARCH, progress=seen.append, out=tmp_path / "api", **NETWORK_ARGS)
    expected = json.loads((tmp_path / "cli" / "summary.json").read_text())
    assert without_times(result.summary) == without_times(expected)
    assert result.complete and not result.interrupted
    # Progress: once per unique layer, in finishing order, counting up.
    assert [p.finished for p in seen] == list(range(1, len(result.layers) + 1))
    assert sorted(p.layer for p in seen) == sorted(layer.name for layer in result.layers)
    totals = sum(layer.count * layer.stats["cycles"] for layer in result.layers)
    assert totals == expected["total_cycles"]
    for layer in result.layers:
        cli_dir = tmp_path / "cli" / "layers" / layer.name
        assert str(layer.mapping) == (cli_dir / "mapping.yaml").read_text()
        assert without_times(layer.stats) == without_times(json.loads((cli_dir / "stats.json").read_text()))
    assert (tmp_path / "api" / "summary.md").exists()


def test_schedule_network_from_onnx_equals_cli(cli, tmp_path):
    model = ROOT / "tests/data/onnx/extras.onnx"  # six compute nodes: Conv, Gemm, Einsum, MatMul, ...
    cli("network", "--arch", ARCH, "--mapspace", MAPSPACE, "--onnx", model, "--jobs", 2, "--out", tmp_path)
    result = cosa.schedule_network(ARCH, onnx=model, mapspace=MAPSPACE, jobs=2)
    expected = json.loads((tmp_path / "summary.json").read_text())
    assert without_times(result.summary) == without_times(expected)
    assert result.summary["onnx"] == str(model) and len(result.layers) == expected["unique_layers"]


def test_exception_in_progress_stops_the_run_and_keeps_finished_layers():
    def progress(p):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here") as error:
        cosa.schedule_network(ARCH, network="small_layers", mapspace=MAPSPACE, jobs=1, progress=progress)
    partial = error.value.result
    assert partial.interrupted and not partial.complete
    found = [layer for layer in partial.layers if layer.found]
    # The first layer, and any that finished while the callback ran; not all of them.
    assert 1 <= len(found) < len(partial.layers)
    assert partial.summary["complete"] is False


def sigint_handler_address():
    """The C-level SIGINT handler (Python's own, unless a library replaced it), from sigaction."""
    action = ctypes.create_string_buffer(256)  # struct sigaction; its handler comes first
    assert ctypes.CDLL(None, use_errno=True).sigaction(signal.SIGINT, None, action) == 0
    return ctypes.cast(action, ctypes.POINTER(ctypes.c_void_p))[0]


def test_ctrl_c_raises_keyboard_interrupt_with_the_finished_layers():
    # SIGINT while the calling thread waits in the C++ run, as Ctrl-C sends it.
    seen = []
    timer = threading.Timer(0, lambda: None)

    def ctrl_c():
        # To the process, as a terminal sends it; this thread does not take it itself (as no
        # thread of a plain script would: cosa blocks SIGINT in the caller and its own threads).
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        os.kill(os.getpid(), signal.SIGINT)

    def progress(p):
        seen.append(p)
        if len(seen) == 1:
            nonlocal timer
            timer = threading.Timer(0.05, ctrl_c)
            timer.start()

    # Earlier runs with jobs=2 (other tests) are when CBC's LP solver could leave its own SIGINT
    # handler installed; cosa puts Python's back after each run.
    before = sigint_handler_address()
    cosa.schedule_network(ARCH, network="small_layers", mapspace=MAPSPACE, jobs=2)
    assert sigint_handler_address() == before
    with pytest.raises(KeyboardInterrupt) as error:
        # ResNet-50: layers long enough that the run cannot finish before the signal arrives.
        cosa.schedule_network(ARCH, network="resnet50", mapspace=MAPSPACE, jobs=2, progress=progress)
    timer.join()
    partial = error.value.result
    assert partial.interrupted
    done = sum(layer.found for layer in partial.layers)
    assert 1 <= done < len(partial.layers)
    assert len(seen) <= done  # a layer finishing after the signal is kept, without a progress call
    # The layers in progress stop too ("interrupted: ..."); the others never ran.
    assert sum(not layer.found and (layer.message == "not run: interrupted" or
                                    layer.message.startswith("interrupted: "))
               for layer in partial.layers) == len(partial.layers) - done


def test_compare_equals_cli(cli, tmp_path):
    cli("compare", "--arch", ARCH, "--mapspace", MAPSPACE, "--network", "small_layers", "--mappers", "random",
        "--seed", 3, "--out", tmp_path)
    expected = json.loads((tmp_path / "results.json").read_text())
    result = cosa.compare(ARCH, network="small_layers", mapspace=MAPSPACE, mappers=["random"], seed=3)
    assert without_times(result) == without_times(expected)


# The whole ResNet-50 (24 unique layers) takes about 17 s with two jobs.
def test_schedule_network_resnet50_equals_cli(cli, tmp_path):
    # The solver must not stop on its time limit on either side (a loaded machine would then decide
    # the schedule), hence the long limit.
    cli("network", "--arch", ARCH, "--mapspace", MAPSPACE, "--network", "resnet50", "--jobs", 2,
        "--time-limit", TIME_LIMIT, "--out", tmp_path)
    expected = json.loads((tmp_path / "summary.json").read_text())
    result = cosa.schedule_network(ARCH, network="resnet50", mapspace=MAPSPACE, jobs=2, time_limit=TIME_LIMIT)
    assert without_times(result.summary) == without_times(expected)
    print("resnet50: %d cycles, %.6g pJ (CLI: %d cycles, %.6g pJ)" % (
        result.summary["total_cycles"], result.summary["total_energy_pJ"], expected["total_cycles"],
        expected["total_energy_pJ"]))


SWEEP_SPEC = ROOT / "tests" / "data" / "sweep" / "small.yaml"


def test_run_sweep_equals_cli(cli, tmp_path):
    cli("sweep", "run", SWEEP_SPEC, "--out", tmp_path / "cli")
    cli("sweep", "merge", tmp_path / "cli")
    seen = []
    result = cosa.run_sweep(SWEEP_SPEC, tmp_path / "py", progress=lambda p: seen.append((p.id, p.done)))
    assert result.complete and result.ran == 6 and not result.missing
    assert sorted({i for i, done in seen if done}) == sorted(p.id for p in result.points)
    merged = cosa.merge_sweep(tmp_path / "py")
    # points.csv has no time column: the two runs' files are identical.
    assert (tmp_path / "py" / "points.csv").read_text() == (tmp_path / "cli" / "points.csv").read_text()
    for point in merged.points:
        expected = json.loads((tmp_path / "cli" / "points" / point.id / "point.json").read_text())
        assert point.status == expected["status"]
        assert point.cycles == expected.get("total_cycles")
    assert [p.status for p in result.points].count("invalid") == 3


def test_run_sweep_with_an_unknown_mapper_raises_input_error(tmp_path):
    with pytest.raises(cosa.InputError, match="annealing"):
        cosa.run_sweep(SWEEP_SPEC, tmp_path, mapper="annealing")
