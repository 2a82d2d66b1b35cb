// A network's energy breakdown by memory level and data space: the whole network's (one stacked bar
// per mapper, weighted by occurrences, and two tables of the same numbers) and each layer's
// (stacked to 100%).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <utility>
#include <vector>

#include "report/html_text.hpp"
#include "report/results_page.hpp"

namespace cosa::pages {

namespace {

// Storage levels, innermost first (Tableau 10 without its grey; purple before yellow so that the
// sixth level, often DRAM and the largest slice, gets a strong colour).
constexpr std::array<const char*, 9> kLevelColors{"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                                  "#b07aa1", "#edc948", "#ff9da7", "#9c755f"};
constexpr const char* kArithmeticColor = "#8d96a3";

// `hex` (#rrggbb) moved toward white (amount > 0) or black (amount < 0).
std::string shade(const std::string& hex, double amount) {
  std::string out = "#";
  for (int i = 0; i < 3; ++i) {
    const double c = std::stoi(hex.substr(1 + 2 * i, 2), nullptr, 16);
    const double mixed = amount >= 0 ? c + (255 - c) * amount : c * (1 + amount);
    out += fmt::format("{:02x}", static_cast<int>(std::lround(std::clamp(mixed, 0.0, 255.0))));
  }
  return out;
}

// The (level, data space) slices of every run in the report, ordered by level (in the order
// levels first appear: arithmetic, then innermost to outermost) and data space, with colors:
// one hue per level, one shade per data space.
struct BreakdownKey {
  std::string level;
  std::string data_space;
  std::string color;
  std::string label() const { return data_space.empty() ? level : level + " \u00b7 " + data_space; }
};

std::vector<BreakdownKey> breakdownKeys(const ReportData& data) {
  std::vector<std::string> levels, spaces;
  std::vector<std::pair<std::string, std::string>> pairs;
  auto indexOf = [](std::vector<std::string>& list, const std::string& item) {
    auto it = std::find(list.begin(), list.end(), item);
    if (it == list.end()) {
      list.push_back(item);
      return list.size() - 1;
    }
    return static_cast<std::size_t>(it - list.begin());
  };
  // Data spaces in workload order: the longest list one level keeps (typically the outermost,
  // which keeps them all) lists them in that order; any others follow.
  std::vector<std::string> longest;
  for (const ReportNetwork& network : data.networks)
    for (const ReportLayer& layer : network.layers)
      for (const ReportRun& run : layer.runs) {
        std::vector<std::string> level_spaces;
        for (std::size_t i = 0; i < run.energy_breakdown.size(); ++i) {
          const EnergyComponent& part = run.energy_breakdown[i];
          indexOf(levels, part.level);
          if (std::find(pairs.begin(), pairs.end(), std::pair(part.level, part.data_space)) == pairs.end())
            pairs.emplace_back(part.level, part.data_space);
          if (i > 0 && part.level != run.energy_breakdown[i - 1].level) level_spaces.clear();
          if (!part.data_space.empty()) level_spaces.push_back(part.data_space);
          if (level_spaces.size() > longest.size()) longest = level_spaces;
        }
      }
  for (const std::string& space : longest) indexOf(spaces, space);
  for (const auto& [level, space] : pairs)
    if (!space.empty()) indexOf(spaces, space);
  std::sort(pairs.begin(), pairs.end(), [&](const auto& a, const auto& b) {
    const std::size_t la = indexOf(levels, a.first), lb = indexOf(levels, b.first);
    if (la != lb) return la < lb;
    if (a.second.empty() != b.second.empty()) return a.second.empty();
    return indexOf(spaces, a.second) < indexOf(spaces, b.second);
  });
  // Shades per data space: the first darker, the next ones lighter.
  constexpr std::array<double, 5> kShades{-0.22, 0.0, 0.38, 0.6, -0.45};
  std::vector<BreakdownKey> keys;
  std::vector<std::string> storage_levels;
  for (const auto& [level, space] : pairs) {
    const std::string base = level == kArithmeticLevel
                                 ? kArithmeticColor
                                 : kLevelColors[indexOf(storage_levels, level) % kLevelColors.size()];
    const double amount = space.empty() ? 0.0 : kShades[indexOf(spaces, space) % kShades.size()];
    keys.push_back({level, space, shade(base, amount)});
  }
  return keys;
}

double breakdownEnergy(const ReportRun& run, const BreakdownKey& key) {
  double sum = 0;
  for (const EnergyComponent& part : run.energy_breakdown)
    if (part.level == key.level && part.data_space == key.data_space) sum += part.energy_pJ;
  return sum;
}

// One group per level, one key per data space ("MACs" for the arithmetic).
std::string breakdownLegend(const std::vector<BreakdownKey>& keys) {
  std::vector<html::LegendGroup> groups;
  for (const BreakdownKey& key : keys) {
    if (groups.empty() || groups.back().title != key.level) groups.push_back({key.level, {}});
    groups.back().keys.emplace_back(key.data_space.empty() ? "MACs" : key.data_space, key.color);
  }
  return html::groupedLegend(groups);
}

// The whole network's energy per (level, data space) and mapper: by level, each level's data
// spaces under it, and by data space over all levels.
std::string breakdownTables(const ReportData& data, const std::vector<BreakdownKey>& keys,
                            const std::vector<std::vector<double>>& per_key,
                            const std::vector<double>& totals, const EnergyUnit& unit) {
  auto cells = [&](const std::string& label, auto value_of) {
    std::vector<html::Cell> row{html::Cell::text(label)};
    for (std::size_t m = 0; m < data.mappers.size(); ++m) {
      const double v = value_of(m);
      row.push_back(html::Cell::text(tickNumber(std::round(v / unit.pJ * 1000) / 1000)));
      row.push_back(html::Cell::text(totals[m] > 0 ? percent(v / totals[m]) : "\u2014"));
    }
    return row;
  };
  std::vector<std::string> head{"level / data space"};
  for (const std::string& m : data.mappers) {
    head.push_back(fmt::format("{} ({})", m, unit.name));
    head.push_back("share");
  }
  const html::TableOptions options{"breakdown", true, false};
  html::Table by_level(options);
  by_level.header(head);
  for (std::size_t k = 0; k < keys.size(); ++k) {
    if (k == 0 || keys[k].level != keys[k - 1].level) {
      std::size_t end = k;
      while (end < keys.size() && keys[end].level == keys[k].level) ++end;
      const bool single = end == k + 1 && keys[k].data_space.empty();
      by_level.row(cells(keys[k].level,
                         [&](std::size_t m) {
                           double sum = 0;
                           for (std::size_t j = k; j < end; ++j) sum += per_key[m][j];
                           return sum;
                         }),
                   "level");
      if (single) continue;
    }
    by_level.row(cells(keys[k].data_space, [&](std::size_t m) { return per_key[m][k]; }), "space");
  }
  by_level.row(cells("Total", [&](std::size_t m) { return totals[m]; }), "total");

  // The same energy summed per data space over all levels.
  std::vector<std::string> spaces;
  for (const BreakdownKey& key : keys)
    if (!key.data_space.empty() && std::find(spaces.begin(), spaces.end(), key.data_space) == spaces.end())
      spaces.push_back(key.data_space);
  html::Table by_space(options);
  by_space.header(head);
  auto spaceSum = [&](std::size_t m, const std::function<bool(const BreakdownKey&)>& pick) {
    double sum = 0;
    for (std::size_t k = 0; k < keys.size(); ++k)
      if (pick(keys[k])) sum += per_key[m][k];
    return sum;
  };
  for (const std::string& space : spaces)
    by_space.row(cells(space + " (all levels)", [&](std::size_t m) {
      return spaceSum(m, [&](const BreakdownKey& k) { return k.data_space == space; });
    }));
  for (const BreakdownKey& key : keys)
    if (key.data_space.empty())
      by_space.row(cells(key.level, [&](std::size_t m) {
        return spaceSum(m,
                        [&](const BreakdownKey& k) { return k.level == key.level && k.data_space.empty(); });
      }));
  by_space.row(cells("Total", [&](std::size_t m) { return totals[m]; }), "total");
  // Side by side for one mapper; stacked when each table is as wide as the card.
  return fmt::format("<div class=\"tables{}\"><div>{}</div><div>{}</div></div>",
                     data.mappers.size() > 1 ? " stacked" : "", by_level.html(), by_space.html());
}

}  // namespace

std::string breakdownFigures(const ReportData& data, std::size_t n, html::Page& page) {
  const ReportNetwork& network = data.networks[n];
  const std::vector<BreakdownKey> keys = breakdownKeys(data);
  const bool grouped = data.mappers.size() > 1;
  if (keys.empty())
    return html::element("section", {{"class", "card"}, {"id", fmt::format("breakdown-{}", n)}},
                         "<h3>Energy breakdown</h3><p class=\"sub\">No statistics files were found, so there "
                         "is no breakdown by level and data space.</p>") +
           "\n";
  std::vector<std::vector<double>> per_key(data.mappers.size(), std::vector<double>(keys.size(), 0.0));
  std::vector<int> covered(data.mappers.size(), 0), found(data.mappers.size(), 0);
  for (const ReportLayer& layer : network.layers)
    for (std::size_t m = 0; m < layer.runs.size(); ++m) {
      const ReportRun& run = layer.runs[m];
      if (!run.found) continue;
      ++found[m];
      if (run.energy_breakdown.empty()) continue;
      ++covered[m];
      for (std::size_t k = 0; k < keys.size(); ++k)
        per_key[m][k] += layer.count * breakdownEnergy(run, keys[k]);
    }
  double max_total = 0;
  std::vector<double> totals(data.mappers.size(), 0.0);
  for (std::size_t m = 0; m < data.mappers.size(); ++m) {
    for (double v : per_key[m]) totals[m] += v;
    max_total = std::max(max_total, totals[m]);
  }
  const EnergyUnit unit = energyUnit(max_total);

  std::vector<html::Row> total_rows;
  for (std::size_t m = 0; m < data.mappers.size(); ++m) {
    html::Row row{data.mappers[m],
                  covered[m] < found[m] ? fmt::format("({} of {} layers)", covered[m], found[m]) : "",
                  data.mappers[m] + ": " + energyText(totals[m]),
                  {}};
    html::Bar bar{"", {}, energyText(totals[m]), covered[m] == 0 ? "no statistics" : ""};
    for (std::size_t k = 0; k < keys.size(); ++k)
      if (per_key[m][k] > 0)
        bar.segments.push_back(
            {per_key[m][k], keys[k].color,
             fmt::format("{} \u00b7 {}: {} ({} of the network's energy)", data.mappers[m], keys[k].label(),
                         energyText(per_key[m][k]), percent(per_key[m][k] / totals[m]))});
    row.bars.push_back(std::move(bar));
    total_rows.push_back(std::move(row));
  }
  const std::string legend = breakdownLegend(keys);
  std::string out = page.figureCard(
      fmt::format("breakdown-{}", n), "Energy breakdown by memory level and data space",
      "Whole network, weighted by layer occurrences. Colours are memory levels (innermost first), shades "
      "are data spaces.",
      legend +
          html::barChart({fmt::format("chart-breakdown-total-{}", n), "Whole-network energy breakdown",
                          fmt::format("energy ({})", unit.name), 0,
                          [unit](double v) { return tickNumber(v / unit.pJ); }, false, true},
                         total_rows) +
          breakdownTables(data, keys, per_key, totals, unit));

  std::vector<html::Row> layer_rows;
  for (const ReportLayer& layer : network.layers) {
    html::Row row{layer.name, countNote(layer.count), layerTooltip(layer), {}};
    for (const ReportRun& run : layer.runs) {
      html::Bar bar{run.mapper, {}, "", ""};
      double total = 0;
      for (const EnergyComponent& part : run.energy_breakdown) total += part.energy_pJ;
      if (!run.found) {
        bar.missing = "no mapping";
      } else if (run.energy_breakdown.empty() || !(total > 0)) {
        bar.missing = "no statistics";
      } else {
        for (const BreakdownKey& key : keys)
          if (const double e = breakdownEnergy(run, key); e > 0)
            bar.segments.push_back(
                {100 * e / total, key.color,
                 fmt::format("{} \u00b7 {} \u00b7 {}: {} ({} of the layer's energy)", layer.name, run.mapper,
                             key.label(), energyText(e), percent(e / total))});
        bar.value_text = energyText(run.energy_pJ);
      }
      row.bars.push_back(std::move(bar));
    }
    layer_rows.push_back(std::move(row));
  }
  out += page.figureCard(
      fmt::format("breakdown-layers-{}", n), "Energy breakdown per layer",
      "Each layer's energy (one occurrence) split by level and data space, as a share of its total (the "
      "total is at the end of each bar).",
      legend + html::barChart({fmt::format("chart-breakdown-layers-{}", n), "Per-layer energy breakdown",
                               "share of the layer's energy (%)", 100,
                               [](double v) { return tickNumber(v) + "%"; }, grouped, true},
                              layer_rows));
  return out;
}

}  // namespace cosa::pages
