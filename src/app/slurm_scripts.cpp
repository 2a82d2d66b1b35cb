#include "app/slurm_scripts.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <stdexcept>
#include <utility>

#include "app/sweep_plan.hpp"
#include "app/sweep_points.hpp"
#include "io/atomic_file.hpp"

namespace cosa::app {

namespace fs = std::filesystem;

namespace {

std::string shellQuoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::vector<std::string> writeSlurmScripts(const SweepSpec& spec, const SlurmOptions& o) {
  if (o.array < 1) throw std::invalid_argument("--array must be >= 1");
  if (o.cpus_per_task < 1) throw std::invalid_argument("--cpus-per-task must be >= 1");
  const fs::path dir = fs::absolute(o.out_dir).lexically_normal();
  fs::create_directories(dir / "slurm");
  fs::create_directories(dir / "points");
  const SweepSpec run = o.mapper.empty() ? spec : withMapper(spec, o.mapper);
  writeOrCheckPlan(run, expandPoints(run), dir);
  std::string common;
  if (!o.partition.empty()) common += "#SBATCH --partition=" + o.partition + "\n";
  if (!o.time.empty()) common += "#SBATCH --time=" + o.time + "\n";
  if (!o.account.empty()) common += "#SBATCH --account=" + o.account + "\n";
  if (!o.mem.empty()) common += "#SBATCH --mem=" + o.mem + "\n";
  for (const std::string& line : o.extra) common += "#SBATCH " + line + "\n";
  const std::string cosa = shellQuoted(o.cosa), dir_q = shellQuoted(dir.string());
  const std::string sweep = fmt::format(
      "#!/bin/bash\n"
      "# cosa sweep {name}: one shard of the sweep per array task (written by cosa sweep slurm).\n"
      "# Submit with submit.sh (which adds the merge), or alone: sbatch sweep.sbatch. Re-submitting\n"
      "# resumes: finished points are skipped.\n"
      "#SBATCH --job-name=cosa-sweep-{name}\n"
      "#SBATCH --array=0-{last}\n"
      "#SBATCH --cpus-per-task={cpus}\n"
      "#SBATCH --output={dir}/slurm/sweep-%A_%a.out\n"
      "{common}"
      "set -euo pipefail\n"
      "exec {cosa} sweep run {spec} --out {dir_q} --shard slurm --jobs "
      "\"${{SLURM_CPUS_PER_TASK:-{cpus}}}\"{mapper}\n",
      fmt::arg("name", fileSafeName(spec.name)), fmt::arg("last", o.array - 1),
      fmt::arg("cpus", o.cpus_per_task), fmt::arg("dir", dir.string()), fmt::arg("common", common),
      fmt::arg("cosa", cosa), fmt::arg("spec", shellQuoted(spec.file)), fmt::arg("dir_q", dir_q),
      fmt::arg("mapper", o.mapper.empty() ? std::string() : " --mapper " + shellQuoted(o.mapper)));
  const std::string merge = fmt::format(
      "#!/bin/bash\n"
      "# cosa sweep {name}: merges the points into points.csv and report.html (submit.sh runs it after\n"
      "# the array job).\n"
      "#SBATCH --job-name=cosa-sweep-{name}-merge\n"
      "#SBATCH --cpus-per-task=1\n"
      "#SBATCH --output={dir}/slurm/merge-%j.out\n"
      "{common}"
      "set -euo pipefail\n"
      "exec {cosa} sweep merge {dir_q}\n",
      fmt::arg("name", fileSafeName(spec.name)), fmt::arg("dir", dir.string()), fmt::arg("common", common),
      fmt::arg("cosa", cosa), fmt::arg("dir_q", dir_q));
  const std::string submit =
      "#!/bin/bash\n"
      "# Submits the sweep's array job, then the merge as a job that waits for every array task to end\n"
      "# (afterany: the merge also reports points that did not finish). Arguments go to both sbatch\n"
      "# calls, e.g. --wait to return only when each job has finished.\n"
      "set -uo pipefail\n"
      "cd \"$(dirname \"${BASH_SOURCE[0]}\")\"\n"
      "array=$(sbatch --parsable \"$@\" sweep.sbatch)\n"
      "array_status=$?\n"
      "array=${array%%;*}\n"
      "if [ -z \"$array\" ]; then echo \"submit.sh: the array job was not submitted\" >&2; exit 1; fi\n"
      "echo \"array job: $array\"\n"
      "merge=$(sbatch --parsable --dependency=afterany:\"$array\" \"$@\" merge.sbatch)\n"
      "merge_status=$?\n"
      "echo \"merge job: ${merge%%;*} (after $array)\"\n"
      "[ \"$array_status\" -eq 0 ] && [ \"$merge_status\" -eq 0 ]\n";
  std::vector<std::string> written;
  for (const auto& [name, text] : {std::pair<std::string, std::string>{"sweep.sbatch", sweep},
                                   {"merge.sbatch", merge},
                                   {"submit.sh", submit}}) {
    const std::string path = (dir / name).string();
    writeFileAtomically(path, text);
    fs::permissions(path, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add);
    written.push_back(path);
  }
  return written;
}

}  // namespace cosa::app
