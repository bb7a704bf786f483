import { formatValue } from "../../lib/numbers";
import { svgChart } from "../../lib/svgChart";

/** Enough to show the cloud's shape at chart size; past it the SVG grows by a circle a point. */
export const SCATTER_POINTS = 2000;

/** Every `step`-th pair, evenly through the schedule, at most `max` of them. */
export function thinned<T>(pairs: T[], max = SCATTER_POINTS): T[] {
  if (pairs.length <= max) return pairs;
  const step = pairs.length / max;
  return Array.from({ length: max }, (_, i) => pairs[Math.floor(i * step)]);
}

/**
 * Predicted against measured, a point a request, with the line y = x where a perfect prediction
 * would put every point; on log axes when the values span a decade or more, as TTFT does. Values of
 * 0 cannot go on a log axis and are left out, and counted.
 */
export function requestScatter(title: string, pairs: [number, number][]): string {
  const drawable = pairs.filter(([measured, predicted]) => measured > 0 && predicted > 0);
  const shown = thinned(drawable);
  const values = drawable.flat();
  const low = values.length > 0 ? Math.min(...values) : 1;
  const high = values.length > 0 ? Math.max(...values) : 10;
  const left = pairs.length - drawable.length;
  const subtext = [
    `${drawable.length.toLocaleString("en-US")} matched requests` +
      (shown.length < drawable.length ? `, ${shown.length.toLocaleString("en-US")} drawn evenly through the schedule` : ""),
    ...(left > 0 ? [`${left.toLocaleString("en-US")} at 0 ms, which a log axis cannot show, left out`] : []),
    "On the dashed line, predicted = measured; above it, the prediction is slower",
  ];
  // Under a decade, a log axis has no tick between its ends: a linear one, on round bounds, reads better.
  const logarithmic = high / low >= 10;
  const step = 10 ** Math.floor(Math.log10(Math.max(high - low, 1e-9))) / 2;
  const [min, max] = logarithmic ? [low, high] : [Math.floor(low / step) * step, Math.ceil(high / step) * step];
  const axis = (name: string) => ({
    type: logarithmic ? ("log" as const) : ("value" as const),
    name,
    nameLocation: "middle" as const,
    nameGap: 32,
    min,
    max,
    // A log axis's ends are the data's, seldom round: the grid lines between them carry the labels.
    axisLabel: {
      formatter: (value: number) => formatValue(value, 0),
      hideOverlap: true,
      showMinLabel: !logarithmic,
      showMaxLabel: !logarithmic,
    },
  });
  return svgChart(
    {
      title: { text: title, left: "center", subtext: subtext.join("\n"), subtextStyle: { color: "#555", lineHeight: 17 } },
      grid: { left: 80, right: 30, top: 72 + 17 * subtext.length, bottom: 60 },
      xAxis: axis("measured, ms"),
      yAxis: { ...axis("predicted, ms"), nameGap: 56 },
      series: [
        { name: "requests", type: "scatter", symbolSize: 4, itemStyle: { opacity: 0.5 }, data: shown },
        {
          name: "predicted = measured",
          type: "line",
          data: [
            [min, min],
            [max, max],
          ],
          showSymbol: false,
          lineStyle: { type: "dashed", color: "#555", width: 1 },
        },
      ],
    },
    { width: 760, height: 520 },
  );
}
