# The library's sources, folder by folder (explicit lists: a new file is added here, in its folder's
# list). Dependencies point one way, from the top of this file down (docs/architecture.md).

# common/: errors, warnings, parallel-for; no file formats
set(COSA_COMMON_SOURCES
  common/diagnostics.cpp
  common/error.cpp
  common/parallel.cpp
)

# workload/: Workload, Network, data-space roles (value types)
set(COSA_WORKLOAD_SOURCES
  workload/data_space_roles.cpp
  workload/network.cpp
  workload/workload.cpp
)

# arch/: Architecture (value type)
set(COSA_ARCH_SOURCES
  arch/architecture.cpp
)

# mapping/: Mapping, Constraints (value types)
set(COSA_MAPPING_SOURCES
  mapping/constraints.cpp
  mapping/mapping.cpp
)

# model/: the cost model (Timeloop 019f107's semantics) and the built-in energies
set(COSA_MODEL_SOURCES
  model/energy.cpp
  model/evaluator.cpp
  model/evaluator_imperfect.cpp
  model/evaluator_traffic.cpp
  model/evaluator_validity.cpp
  model/imperfect_nest.cpp
  model/point_set.cpp
  model/roofline.cpp
  model/tile_analysis.cpp
)

# io/: every external format the core reads or writes (YAML access, Timeloop formats, network and sweep files, evaluation reports)
set(COSA_IO_SPEC_SOURCES
  io/atomic_file.cpp
  io/csv.cpp
  io/json_file.cpp
  io/text_file.cpp
  io/yaml/expression.cpp
  io/yaml/input_files.cpp
  io/yaml/yaml_merge.cpp
  io/yaml/yaml_util.cpp
  io/timeloop/arch_v04.cpp
  io/timeloop/arch_writer.cpp
  io/timeloop/arch_yaml.cpp
  io/timeloop/constraints_v04.cpp
  io/timeloop/constraints_yaml.cpp
  io/timeloop/ert.cpp
  io/timeloop/loop_nest.cpp
  io/timeloop/mapping_yaml.cpp
  io/timeloop/problem_v04.cpp
  io/timeloop/problem_yaml.cpp
  io/timeloop/shapes.cpp
  io/network/network_yaml.cpp
  io/sweep/sweep_spec.cpp
  io/results/evaluation_report.cpp
)

# io/onnx/: the ONNX importer (links ONNX and Protobuf)
set(COSA_IO_ONNX_SOURCES
  io/onnx/onnx_constant_folding.cpp
  io/onnx/onnx_folded_values.cpp
  io/onnx/onnx_graph_util.cpp
  io/onnx/onnx_if_folding.cpp
  io/onnx/onnx_import.cpp
  io/onnx/onnx_inference_guards.cpp
  io/onnx/onnx_shape_folding.cpp
)

# solver/: the MIP facade and its backends
set(COSA_SOLVER_SOURCES
  solver/backend_support.cpp
  solver/cbc_backend.cpp
  solver/mip.cpp
)

# mappers/: the constrained mapspace, the Mapper interface and every mapper
set(COSA_MAPPERS_SOURCES
  mappers/constrained_mapspace.cpp
  mappers/cosa_formulation.cpp
  mappers/cosa_formulation_capacity.cpp
  mappers/cosa_formulation_traffic.cpp
  mappers/cosa_scheduler.cpp
  mappers/exhaustive_mapper.cpp
  mappers/factorization.cpp
  mappers/hybrid_mapper.cpp
  mappers/local_search.cpp
  mappers/mapper.cpp
  mappers/mapper_registry.cpp
  mappers/factor_space.cpp
  mappers/factor_space_sampling.cpp
  mappers/rng.cpp
  mappers/search_driver.cpp
  mappers/objective.cpp
  mappers/random_mapper.cpp
  # the CoSA MIP's objectives, one file each (objectives/cosa_objectives.hpp)
  mappers/objectives/cosa_paper.cpp
  mappers/objectives/edp.cpp
  mappers/objectives/energy.cpp
  mappers/objectives/energy_model.cpp
  mappers/objectives/latency.cpp
  mappers/objectives/objective_table.cpp
)

# io/results/: the files schedule, network, compare and sweep write, and the report's and the sweep
# merge's reading of them
set(COSA_IO_RESULTS_SOURCES
  io/results/comparison_report.cpp
  io/results/layer_files.cpp
  io/results/points_csv.cpp
  io/results/report_inputs.cpp
  io/results/schedule_report.cpp
  io/results/sweep_folder.cpp
  io/results/sweep_results.cpp
)

# report/: HTML reports, each page composed from one kit (html_kit: page, table, figures)
set(COSA_REPORT_SOURCES
  report/breakdown_figures.cpp
  report/comparison_page.cpp
  report/html_kit.cpp
  report/html_report.cpp
  report/html_text.cpp
  report/layer_page.cpp
  report/network_page.cpp
  report/results_page.cpp
  report/sweep_report.cpp
)

# app/: the application layer (layer, network, compare, sweep runs)
set(COSA_APP_SOURCES
  app/layer_jobs.cpp
  app/compare_run.cpp
  app/layer_run.cpp
  app/network_run.cpp
  app/network_source.cpp
  app/settings.cpp
  app/slurm_scripts.cpp
  app/sweep_merge.cpp
  app/sweep_overrides.cpp
  app/sweep_plan.cpp
  app/sweep_points.cpp
  app/sweep_run.cpp
  app/sweep_spec.cpp
)

# cli/: the cosa command (main.cpp excluded: the executable's own)
set(COSA_CLI_SOURCES
  cli/compare_command.cpp
  cli/evaluate_command.cpp
  cli/input_options.cpp
  cli/interrupt.cpp
  cli/network_command.cpp
  cli/onnx_source.cpp
  cli/report_command.cpp
  cli/run_options.cpp
  cli/schedule_command.cpp
  cli/sweep_command.cpp
)

# api/: the public API (include/cosa/) over app/; specs and evaluate are core, the rest scheduler.
set(COSA_API_CORE_SOURCES api/specs.cpp api/evaluate.cpp)
set(COSA_API_SCHEDULER_SOURCES api/schedule.cpp api/compare.cpp api/settings.cpp api/sweep.cpp)
