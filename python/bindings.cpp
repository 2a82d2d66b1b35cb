// The compiled part of the Python package: pybind11 bindings over the public C++ API
// (include/cosa). cosa/__init__.py builds the Python API on top; the JSON results are returned as
// text and parsed there.
#include <pthread.h>
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>

#include "cosa/cosa.hpp"

namespace py = pybind11;
using namespace cosa::api;

namespace {

// SIGINT during a run. CBC's LP solver (Clp) installs its own SIGINT handler around each initial
// solve and puts the previous one back afterwards: a Ctrl-C in that window goes to Clp (which only
// cuts that LP short), and with solves on parallel threads the save/restore pairs interleave and
// can leave Clp's handler installed for good (Python would never see Ctrl-C again). So, for the
// run: SIGINT is blocked in the calling (main) thread and in every thread the run starts (they
// inherit the mask), so a Ctrl-C stays pending whatever handler is installed; the waiting thread
// takes it (takePending) and hands it to Python's own handler; at the end the handler Python had
// is reinstalled. A signal sent to another Python thread that does not block it can still meet
// Clp's handler: those threads are the caller's.
class SigintDuringRun {
 public:
  explicit SigintDuringRun(bool active) : active_(active) {
    if (!active_) return;
    sigaction(SIGINT, nullptr, &previous_action_);
    sigset_t set = sigintSet();
    pthread_sigmask(SIG_BLOCK, &set, &previous_mask_);
  }
  ~SigintDuringRun() {
    if (!active_) return;
    sigaction(SIGINT, &previous_action_, nullptr);
    pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);  // a SIGINT still pending arrives now
  }
  SigintDuringRun(const SigintDuringRun&) = delete;
  SigintDuringRun& operator=(const SigintDuringRun&) = delete;

  // Whether a SIGINT was pending (and is now taken).
  bool takePending() const {
    if (!active_) return false;
    const sigset_t set = sigintSet();
    const timespec no_wait{0, 0};
    return sigtimedwait(&set, nullptr, &no_wait) == SIGINT;
  }

 private:
  static sigset_t sigintSet() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    return set;
  }
  bool active_;
  struct sigaction previous_action_ {};
  sigset_t previous_mask_{};
};

bool onMainThread() {
  const py::module_ threading = py::module_::import("threading");
  return threading.attr("current_thread")().is(threading.attr("main_thread")());
}

// The outcome of a long run made interruptible: the result, and the Python exception raised while
// it ran (Ctrl-C's KeyboardInterrupt, or one from the progress callback), or None.
template <class Result>
struct Interruptible {
  std::optional<Result> result;
  py::object exception = py::none();
};

// Runs `run(stop, report)` on a worker thread, without the GIL. The calling thread waits, takes the
// GIL to pass each finished item to `on_item` and to poll for signals (Ctrl-C runs Python's
// handler here, as only the main thread can); any Python exception sets the stop flag, and the
// run finishes the work in progress and returns what is done.
template <class Result, class Item>
Interruptible<Result> runInterruptible(
    const std::function<Result(const std::atomic<bool>*, const std::function<void(const Item&)>&)>& run,
    const std::function<void(const Item&)>& on_item) {
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Item> items;
  bool done = false;
  std::exception_ptr error;
  Interruptible<Result> outcome;
  const auto take_exception = [&outcome, &stop] {
    PyObject *type = nullptr, *value = nullptr, *trace = nullptr;
    PyErr_Fetch(&type, &value, &trace);
    PyErr_NormalizeException(&type, &value, &trace);
    if (trace != nullptr) PyException_SetTraceback(value, trace);
    if (outcome.exception.is_none())
      outcome.exception = py::reinterpret_steal<py::object>(value);
    else
      Py_XDECREF(value);
    Py_XDECREF(type);
    Py_XDECREF(trace);
    stop = true;
  };
  const SigintDuringRun sigint(onMainThread());  // before the worker starts: it inherits the mask
  {
    py::gil_scoped_release release;
    std::thread worker([&] {
      try {
        Result result = run(&stop, [&](const Item& item) {
          std::lock_guard lock(mutex);
          items.push_back(item);
          changed.notify_one();
        });
        std::lock_guard lock(mutex);
        outcome.result.emplace(std::move(result));
      } catch (...) {
        std::lock_guard lock(mutex);
        error = std::current_exception();
      }
      std::lock_guard lock(mutex);
      done = true;
      changed.notify_one();
    });
    for (bool finished = false; !finished;) {
      std::deque<Item> ready;
      {
        std::unique_lock lock(mutex);
        changed.wait_for(lock, std::chrono::milliseconds(100), [&] { return done || !items.empty(); });
        ready.swap(items);
        finished = done;
      }
      py::gil_scoped_acquire acquire;
      for (const Item& item : ready) {
        if (!on_item || !outcome.exception.is_none()) break;
        try {
          on_item(item);
        } catch (py::error_already_set& e) {
          e.restore();
          take_exception();
        }
      }
      if (sigint.takePending()) PyErr_SetInterrupt();  // runs Python's SIGINT handler just below
      if (PyErr_CheckSignals() != 0) take_exception();
    }
    worker.join();
  }
  if (error) std::rethrow_exception(error);
  return outcome;
}

}  // namespace

PYBIND11_MODULE(_cosa, m) {
  m.doc() = "cosa's compiled core; use the `cosa` package";
  static py::exception<InputError> input_error(m, "InputError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      py::object instance = py::handle(input_error.ptr())(e.what());
      instance.attr("file") = e.file();
      instance.attr("line") = e.line();
      instance.attr("column") = e.column();
      instance.attr("field") = e.field();
      instance.attr("reason") = e.reason();
      PyErr_SetObject(input_error.ptr(), instance.ptr());
    }
  });

  m.def("version", [] { return std::string(version()); });
  m.def("builtin_networks", &builtinNetworks);

  py::class_<Architecture>(m, "Architecture")
      .def_property_readonly("name", &Architecture::name)
      .def_property_readonly("levels", &Architecture::levels)
      .def_property_readonly("warnings", &Architecture::warnings)
      .def_property_readonly("yaml", &Architecture::yaml)
      .def("save", [](const Architecture& a, const std::filesystem::path& path) { a.save(path.string()); })
      .def("__repr__", [](const Architecture& a) { return "<cosa.Architecture '" + a.name() + "'>"; });
  py::class_<Problem>(m, "Problem")
      .def_property_readonly("name", &Problem::name)
      .def_property_readonly("dimensions", &Problem::dimensions)
      .def_property_readonly("bounds", &Problem::bounds)
      .def_property_readonly("warnings", &Problem::warnings)
      .def("__repr__", [](const Problem& p) { return "<cosa.Problem '" + p.name() + "'>"; });
  py::class_<Mapspace>(m, "Mapspace").def("check", &Mapspace::check);
  py::class_<Mapping>(m, "Mapping")
      .def_property_readonly("yaml", &Mapping::yaml)
      .def("save", [](const Mapping& m, const std::filesystem::path& path) { m.save(path.string()); })
      .def("__str__", &Mapping::yaml)
      .def("__repr__", [](const Mapping&) { return std::string("<cosa.Mapping>"); });

  m.def("load_architecture", py::overload_cast<const std::vector<std::string>&>(&Architecture::load));
  m.def("architecture_from_yaml", &Architecture::fromYaml);
  m.def("load_problem", py::overload_cast<const std::vector<std::string>&>(&Problem::load));
  m.def("problem_from_yaml", &Problem::fromYaml);
  m.def("load_mapspace", py::overload_cast<const std::vector<std::string>&>(&Mapspace::load));
  m.def("mapspace_from_yaml", &Mapspace::fromYaml);
  m.def("load_mapping", &Mapping::load);
  m.def("mapping_from_yaml", &Mapping::fromYaml);

  m.def(
      "evaluate",
      [](const Architecture& arch, const Problem& problem, const Mapping& mapping, const std::string& ert) {
        return evaluate(arch, problem, mapping, EvaluateSettings{ert}).json;
      },
      py::call_guard<py::gil_scoped_release>());

  py::class_<ScheduleSettings>(m, "ScheduleSettings")
      .def(py::init<>())
      .def_readwrite("mapper", &ScheduleSettings::mapper)
      .def_readwrite("objective", &ScheduleSettings::objective)
      .def_readwrite("backend", &ScheduleSettings::backend)
      .def_readwrite("time_limit_s", &ScheduleSettings::time_limit_s)
      .def_readwrite("gap", &ScheduleSettings::gap)
      .def_readwrite("threads", &ScheduleSettings::threads)
      .def_readwrite("seed", &ScheduleSettings::seed)
      .def_readwrite("polish", &ScheduleSettings::polish)
      .def_readwrite("ert", &ScheduleSettings::ert)
      .def_readwrite("random_valid", &ScheduleSettings::random_valid)
      .def_readwrite("hybrid_search_size", &ScheduleSettings::hybrid_search_size)
      .def_readwrite("hybrid_victory_condition", &ScheduleSettings::hybrid_victory_condition)
      .def_readwrite("hybrid_sampling", &ScheduleSettings::hybrid_sampling)
      .def_readwrite("hybrid_threads", &ScheduleSettings::hybrid_threads)
      .def_readwrite("exhaustive_max_evaluations", &ScheduleSettings::exhaustive_max_evaluations);
  py::class_<LayerSchedule>(m, "LayerSchedule")
      .def_property_readonly("found", &LayerSchedule::found)
      .def_property_readonly("message", &LayerSchedule::message)
      .def_property_readonly("note", &LayerSchedule::note)
      .def_property_readonly("mapping", &LayerSchedule::mapping)
      .def_property_readonly("stats_json", &LayerSchedule::statsJson)
      .def_property_readonly("report", &LayerSchedule::report)
      .def("write", &LayerSchedule::write, py::call_guard<py::gil_scoped_release>());
  m.def("schedule", [](const Architecture& arch, const Problem& problem,
                       const std::optional<Mapspace>& mapspace, const ScheduleSettings& settings) {
    auto outcome = runInterruptible<LayerSchedule, int>(
        [&](const std::atomic<bool>*, const std::function<void(const int&)>&) {
          return schedule(arch, problem, mapspace, settings);
        },
        {});
    return py::make_tuple(*outcome.result, outcome.exception);
  });

  py::class_<NetworkSource>(m, "NetworkSource")
      .def(py::init<>())
      .def_readwrite("network", &NetworkSource::network)
      .def_readwrite("workload_dir", &NetworkSource::workload_dir)
      .def_readwrite("onnx", &NetworkSource::onnx)
      .def_readwrite("batch", &NetworkSource::batch)
      .def_readwrite("input_shapes", &NetworkSource::input_shapes);
  py::class_<NetworkSettings>(m, "NetworkSettings")
      .def(py::init<>())
      .def_readwrite("schedule", &NetworkSettings::schedule)
      .def_readwrite("jobs", &NetworkSettings::jobs)
      .def_readwrite("out_dir", &NetworkSettings::out_dir);
  py::class_<LayerProgress>(m, "LayerProgress")
      .def_readonly("finished", &LayerProgress::finished)
      .def_readonly("total", &LayerProgress::total)
      .def_readonly("layer", &LayerProgress::layer)
      .def_readonly("found", &LayerProgress::found)
      .def_readonly("status", &LayerProgress::status)
      .def("__repr__", [](const LayerProgress& p) {
        return "<cosa.LayerProgress " + std::to_string(p.finished) + "/" + std::to_string(p.total) + " " +
               p.layer + ">";
      });
  py::class_<NetworkLayerResult>(m, "NetworkLayerResult")
      .def_readonly("name", &NetworkLayerResult::name)
      .def_readonly("count", &NetworkLayerResult::count)
      .def_readonly("found", &NetworkLayerResult::found)
      .def_readonly("message", &NetworkLayerResult::message)
      .def_readonly("mapping", &NetworkLayerResult::mapping)
      .def_readonly("stats_json", &NetworkLayerResult::stats_json);
  py::class_<NetworkSchedule>(m, "NetworkSchedule")
      .def_property_readonly("summary_json", &NetworkSchedule::summaryJson)
      .def_property_readonly("summary_markdown", &NetworkSchedule::summaryMarkdown)
      .def_property_readonly("layers", &NetworkSchedule::layers)
      .def_property_readonly("interrupted", &NetworkSchedule::interrupted)
      .def_property_readonly("complete", &NetworkSchedule::complete)
      .def_property_readonly("failed_layers", &NetworkSchedule::failedLayers)
      .def("write_summary", &NetworkSchedule::writeSummary, py::call_guard<py::gil_scoped_release>());

  // Returns (result, exception or None): the package raises the exception with the result attached.
  m.def("schedule_network",
        [](const Architecture& arch, const NetworkSource& source, const std::optional<Mapspace>& mapspace,
           const NetworkSettings& settings, const py::object& progress) {
          std::function<void(const LayerProgress&)> on_item;
          if (!progress.is_none()) on_item = [&progress](const LayerProgress& p) { progress(p); };
          auto outcome = runInterruptible<NetworkSchedule, LayerProgress>(
              [&](const std::atomic<bool>* stop, const std::function<void(const LayerProgress&)>& report) {
                return scheduleNetwork(arch, source, mapspace, settings, report, stop);
              },
              on_item);
          return py::make_tuple(*outcome.result, outcome.exception);
        });

  py::class_<CompareSettings>(m, "CompareSettings")
      .def(py::init<>())
      .def_readwrite("mappers", &CompareSettings::mappers)
      .def_readwrite("schedule", &CompareSettings::schedule)
      .def_readwrite("jobs", &CompareSettings::jobs);
  m.def("compare", [](const Architecture& arch, const NetworkSource& source,
                      const std::optional<Mapspace>& mapspace, const CompareSettings& settings) {
    auto outcome = runInterruptible<std::string, int>(
        [&](const std::atomic<bool>* stop, const std::function<void(const int&)>&) {
          return compareJson(arch, source, mapspace, settings, stop);
        },
        {});
    return py::make_tuple(*outcome.result, outcome.exception);
  });

  py::class_<SweepSettings>(m, "SweepSettings")
      .def(py::init<>())
      .def_readwrite("out_dir", &SweepSettings::out_dir)
      .def_readwrite("mapper", &SweepSettings::mapper)
      .def_readwrite("jobs", &SweepSettings::jobs)
      .def_readwrite("shard_index", &SweepSettings::shard_index)
      .def_readwrite("shard_count", &SweepSettings::shard_count);
  py::class_<SweepPointResult>(m, "SweepPoint")
      .def_readonly("id", &SweepPointResult::id)
      .def_readonly("workload", &SweepPointResult::workload)
      .def_readonly("values", &SweepPointResult::values)
      .def_readonly("status", &SweepPointResult::status)
      .def_readonly("message", &SweepPointResult::message)
      .def_readonly("cycles", &SweepPointResult::cycles)
      .def_readonly("energy_pJ", &SweepPointResult::energy_pJ)
      .def_readonly("edp", &SweepPointResult::edp)
      .def_readonly("pareto", &SweepPointResult::pareto)
      .def("__repr__",
           [](const SweepPointResult& p) { return "<cosa.SweepPoint " + p.id + ": " + p.status + ">"; });
  py::class_<SweepResult>(m, "SweepResult")
      .def_readonly("name", &SweepResult::name)
      .def_readonly("objective", &SweepResult::objective)
      .def_readonly("mapper", &SweepResult::mapper)
      .def_readonly("parameters", &SweepResult::parameters)
      .def_readonly("workloads", &SweepResult::workloads)
      .def_readonly("points", &SweepResult::points)
      .def_readonly("ran", &SweepResult::ran)
      .def_readonly("skipped", &SweepResult::skipped)
      .def_readonly("failed", &SweepResult::failed)
      .def_readonly("complete", &SweepResult::complete)
      .def_readonly("missing", &SweepResult::missing);
  py::class_<SweepProgressInfo>(m, "SweepProgress")
      .def_readonly("point", &SweepProgressInfo::point)
      .def_readonly("points", &SweepProgressInfo::points)
      .def_readonly("id", &SweepProgressInfo::id)
      .def_readonly("done", &SweepProgressInfo::done)
      .def_readonly("status", &SweepProgressInfo::status);
  m.def("run_sweep", [](const std::string& spec, const SweepSettings& settings, const py::object& progress) {
    std::function<void(const SweepProgressInfo&)> on_item;
    if (!progress.is_none()) on_item = [&progress](const SweepProgressInfo& p) { progress(p); };
    auto outcome = runInterruptible<SweepResult, SweepProgressInfo>(
        [&](const std::atomic<bool>* stop, const std::function<void(const SweepProgressInfo&)>& report) {
          return runSweep(spec, settings, report, stop);
        },
        on_item);
    return py::make_tuple(*outcome.result, outcome.exception);
  });
  m.def("merge_sweep", &mergeSweep, py::call_guard<py::gil_scoped_release>());
}
