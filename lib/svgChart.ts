import * as echarts from "echarts";

/** Okabe–Ito colours: told apart by readers with colour-vision deficiency, and in greyscale print. */
const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"];

/**
 * An ECharts option rendered to an SVG string on the server: no browser, no DOM. The background
 * is opaque white unless the option says otherwise, so the chart reads on a dark slide or viewer.
 */
export function svgChart(option: echarts.EChartsOption, size = { width: 760, height: 360 }): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, ...size });
  chart.setOption({ animation: false, backgroundColor: "#ffffff", color: PALETTE, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}
