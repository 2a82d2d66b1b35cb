"""cosa from Python: load Timeloop specifications, evaluate mappings, schedule layers and networks.

Every result equals what the `cosa` command line writes for the same inputs (see docs/python.md):
``evaluate`` returns the dict ``cosa evaluate --json`` prints, ``schedule(...).stats`` the
``stats.json`` of ``cosa schedule``, ``schedule_network(...).summary`` the ``summary.json`` of
``cosa network``. Bad input raises :class:`InputError` (a ``ValueError``) with the CLI's message.
"""

import json
import os

try:  # an installed package: its bundled data (cosa/_paths.py is written by cmake --install)
    from ._paths import DATA_DIR as _DATA_DIR
    if os.path.isdir(_DATA_DIR):
        os.environ.setdefault("COSA_DATA_DIR", _DATA_DIR)
except ImportError:  # the build tree: the library knows the source tree's data folder
    pass

from . import _cosa  # noqa: E402  (after COSA_DATA_DIR is set)
from ._cosa import (Architecture, InputError, LayerProgress, Mapping, Mapspace, Problem,
                    builtin_networks)

__all__ = [
    "Architecture", "Problem", "Mapspace", "Mapping", "InputError", "LayerProgress",
    "load_architecture", "load_problem", "load_mapspace", "load_mapping", "evaluate", "schedule",
    "schedule_network", "compare", "builtin_networks", "ScheduleResult", "NetworkResult",
    "LayerResult", "run_sweep", "merge_sweep", "__version__",
]
__version__ = _cosa.version()


def _paths(spec):
    if isinstance(spec, (str, os.PathLike)):
        return [os.fspath(spec)]
    return [os.fspath(p) for p in spec]


def _document(spec, keys):
    """A dict as YAML text (JSON is YAML), wrapped in keys[0] unless it has one of `keys` already."""
    if not any(k in spec for k in keys):
        spec = {keys[0]: spec}
    return json.dumps(spec)


def _load(spec, keys, from_file, from_yaml, what):
    if isinstance(spec, dict):
        return from_yaml(_document(spec, keys), "<%s dict>" % what)
    return from_file(spec)


def load_architecture(spec):
    """An architecture from a file, a list of files (merged as timeloop-model merges them), or a dict
    (the document, with or without its top-level ``architecture`` key)."""
    if isinstance(spec, Architecture):
        return spec
    return _load(spec, ["architecture", "arch"], lambda s: _cosa.load_architecture(_paths(s)),
                 _cosa.architecture_from_yaml, "architecture")


def load_problem(spec):
    """A problem (one layer) from a file, a list of files, or a dict."""
    if isinstance(spec, Problem):
        return spec
    return _load(spec, ["problem"], lambda s: _cosa.load_problem(_paths(s)), _cosa.problem_from_yaml,
                 "problem")


def load_mapspace(spec):
    """Mapspace constraints from a file, a list of files, or a dict."""
    if spec is None or isinstance(spec, Mapspace):
        return spec
    return _load(spec, ["mapspace", "mapspace_constraints", "architecture_constraints", "arch_constraints"],
                 lambda s: _cosa.load_mapspace(_paths(s)), _cosa.mapspace_from_yaml, "mapspace")


def load_mapping(spec):
    """A Timeloop mapping from a file or a dict (``{"mapping": [...]}`` or the list itself)."""
    if isinstance(spec, Mapping):
        return spec
    if isinstance(spec, list):
        spec = {"mapping": spec}
    return _load(spec, ["mapping"], lambda s: _cosa.load_mapping(os.fspath(s)), _cosa.mapping_from_yaml,
                 "mapping")


def evaluate(arch, problem, mapping, ert=None):
    """The cost model's result for one mapping: the dict ``cosa evaluate --json`` prints
    (``{"valid": False, "error": ...}`` for an invalid mapping)."""
    return json.loads(_cosa.evaluate(load_architecture(arch), load_problem(problem), load_mapping(mapping),
                                     os.fspath(ert) if ert else ""))


# Python's keyword -> the settings field it sets; None leaves the field at its default (the CLI's,
# which the native settings object starts with), so no default is restated here.
_SETTING_FIELDS = {
    "mapper": ("mapper", str),
    "objective": ("objective", str),
    "backend": ("backend", str),
    "time_limit": ("time_limit_s", float),
    "gap": ("gap", float),
    "threads": ("threads", int),
    "seed": ("seed", int),
    "ert": ("ert", os.fspath),
    "random_valid": ("random_valid", int),
    "search_size": ("hybrid_search_size", int),
    "victory_condition": ("hybrid_victory_condition", int),
    "hybrid_sampling": ("hybrid_sampling", str),
    "hybrid_threads": ("hybrid_threads", int),
    "max_evaluations": ("exhaustive_max_evaluations", int),
}


def _settings(settings, polish=None, **given):
    for key, value in given.items():
        if key not in _SETTING_FIELDS:
            raise TypeError("unknown setting '%s' (settings: %s)" % (key, ", ".join(sorted(_SETTING_FIELDS))))
        if value is not None:
            field, convert = _SETTING_FIELDS[key]
            setattr(settings, field, convert(value))
    if polish is not None:
        settings.polish = bool(polish)
    return settings


class ScheduleResult:
    """One scheduled layer: ``mapping`` (str() gives Timeloop YAML), ``stats`` (the dict
    ``stats.json`` holds), ``found``/``message`` (no valid mapping: why), ``note``, ``report``."""

    def __init__(self, native):
        self._native = native
        self.found = native.found
        self.message = native.message
        self.note = native.note
        self.mapping = native.mapping if native.found else None
        self.stats = json.loads(native.stats_json) if native.found else None
        self.report = native.report

    def write(self, directory):
        """Writes mapping.yaml, problem.yaml, stats.json and loopnest.txt, as ``cosa schedule``."""
        self._native.write(os.fspath(directory))

    def __repr__(self):
        return "<cosa.ScheduleResult %s>" % (self.report.splitlines()[0] if self.found else self.message)


def schedule(arch, problem, mapspace=None, polish=None, **settings):
    """Schedules one layer, with the CoSA MIP or ``mapper=`` another (the GIL is released while it
    runs; a Ctrl-C meanwhile stops it and raises KeyboardInterrupt). Settings, as ``cosa schedule``'s
    flags, default to the CLI's: mapper, objective, backend, time_limit, gap, threads, seed, polish,
    ert, random_valid, search_size, victory_condition, hybrid_sampling, hybrid_threads,
    max_evaluations."""
    native, exception = _cosa.schedule(load_architecture(arch), load_problem(problem), load_mapspace(mapspace),
                                       _settings(_cosa.ScheduleSettings(), polish, **settings))
    result = ScheduleResult(native)
    if exception is not None:  # Ctrl-C during the solve: raised once it is done, with the result
        _raise_with(exception, result)
    return result


class LayerResult:
    """One unique layer of a network run: ``name``, ``count``, ``found``, ``message``, ``mapping``,
    ``stats`` (the layer's stats.json)."""

    def __init__(self, native):
        self.name = native.name
        self.count = native.count
        self.found = native.found
        self.message = native.message
        self.mapping = native.mapping
        self.stats = json.loads(native.stats_json) if native.found else None

    def __repr__(self):
        return "<cosa.LayerResult %s x%d%s>" % (self.name, self.count, "" if self.found else " (no mapping)")


class NetworkResult:
    """A network run: ``summary`` (the dict ``summary.json`` holds), ``layers`` (one LayerResult
    per unique layer), ``summary_markdown``, ``interrupted``, ``complete``."""

    def __init__(self, native):
        self._native = native
        self.summary = json.loads(native.summary_json)
        self.summary_markdown = native.summary_markdown
        self.interrupted = native.interrupted
        self.complete = native.complete
        self._layers = None

    @property
    def layers(self):
        if self._layers is None:
            self._layers = [LayerResult(layer) for layer in self._native.layers]
        return self._layers

    def write_summary(self, directory):
        """Writes summary.json, summary.md and layers.csv, as ``cosa network``."""
        self._native.write_summary(os.fspath(directory))

    def __repr__(self):
        s = self.summary
        return "<cosa.NetworkResult %s: %d cycles, %.2f uJ%s>" % (
            s["network"], s["total_cycles"], s["total_energy_pJ"] / 1e6, "" if self.complete else ", incomplete")


def _source(network, onnx, workload, batch, input_shapes):
    if sum(x is not None for x in (network, onnx, workload)) != 1:
        raise InputError("give exactly one of network, onnx or workload")
    source = _cosa.NetworkSource()
    if network is not None:
        source.network = network
    if workload is not None:
        source.workload_dir = os.fspath(workload)
    if onnx is not None:
        source.onnx = os.fspath(onnx)
    source.batch = int(batch)
    source.input_shapes = {k: [int(d) for d in v] for k, v in (input_shapes or {}).items()}
    return source


def _raise_with(exception, result):
    try:
        exception.result = result
    except AttributeError:
        pass
    raise exception


def schedule_network(arch, network=None, onnx=None, workload=None, mapspace=None, jobs=None, progress=None,
                     out=None, batch=1, input_shapes=None, polish=None, **settings):
    """Schedules every unique layer of a network (a bundled one by name, an ONNX model, or a
    CoSA-style workload folder), ``jobs`` at a time. ``progress(p)`` is called on the calling
    thread as layers finish (``p.finished``, ``p.total``, ``p.layer``, ``p.found``, ``p.status``).
    With ``out``, each layer's files go to ``out/layers/<layer>/`` and the summary to ``out``.
    Ctrl-C (or an exception from ``progress``) stops the run after the layers in progress; the
    exception is raised with the partial NetworkResult as its ``result`` attribute. Settings as for
    schedule()."""
    network_settings = _cosa.NetworkSettings()
    network_settings.schedule = _settings(network_settings.schedule, polish, **settings)
    if jobs is not None:
        network_settings.jobs = int(jobs)
    network_settings.out_dir = os.fspath(out) if out else ""
    native, exception = _cosa.schedule_network(load_architecture(arch),
                                               _source(network, onnx, workload, batch, input_shapes),
                                               load_mapspace(mapspace), network_settings, progress)
    result = NetworkResult(native)
    if out:
        result.write_summary(out)
    if exception is not None:
        _raise_with(exception, result)
    return result


def compare(arch, network=None, onnx=None, workload=None, mapspace=None, mappers=None, jobs=None, batch=1,
            input_shapes=None, polish=None, **settings):
    """Runs several mappers (default: ``cosa compare``'s) over every unique layer of a network;
    returns the dict ``results.json`` of ``cosa compare`` holds. Settings as for schedule(), with
    ``cosa compare``'s defaults. Ctrl-C stops it as for schedule_network."""
    compare_settings = _cosa.CompareSettings()
    if mappers is not None:
        compare_settings.mappers = list(mappers)
    if jobs is not None:
        compare_settings.jobs = int(jobs)
    compare_settings.schedule = _settings(compare_settings.schedule, polish, **settings)
    text, exception = _cosa.compare(load_architecture(arch), _source(network, onnx, workload, batch, input_shapes),
                                    load_mapspace(mapspace), compare_settings)
    result = json.loads(text)
    if exception is not None:
        _raise_with(exception, result)
    return result


def run_sweep(spec, out, mapper=None, jobs=None, shard=None, progress=None):
    """Runs a sweep spec (docs/sweeps.md) into the folder ``out`` as ``cosa sweep run`` does (a
    re-run resumes it); returns the SweepResult of the whole folder (``points``: id, workload,
    values, status, message, cycles, energy_pJ, edp, pareto). ``mapper`` overrides the spec's;
    ``shard=(i, n)`` runs the points i mod n; ``progress(p)`` is called as points start and finish
    (``p.point``, ``p.points``, ``p.id``, ``p.done``, ``p.status``). Ctrl-C stops it after the point
    in progress; the exception carries the partial result as ``result``."""
    settings = _cosa.SweepSettings()
    settings.out_dir = os.fspath(out)
    if mapper is not None:
        settings.mapper = mapper
    if jobs is not None:
        settings.jobs = int(jobs)
    if shard is not None:
        settings.shard_index, settings.shard_count = (int(x) for x in shard)
    result, exception = _cosa.run_sweep(os.fspath(spec), settings, progress)
    if exception is not None:
        _raise_with(exception, result)
    return result


def merge_sweep(directory):
    """Writes ``points.csv`` and ``report.html`` of a sweep folder (``cosa sweep merge``) and returns
    its SweepResult."""
    return _cosa.merge_sweep(os.fspath(directory))
