/** The monitor's live chart: calls/s and active calls over the run's elapsed seconds, drawn by uPlot. */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Series } from "../events.ts";

const HEIGHT = 220;

export function LiveChart({ series }: { readonly series: Series }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const element = host.current;
    if (element === null) return undefined;
    const chart = new uPlot(
      {
        width: Math.max(element.clientWidth, 300),
        height: HEIGHT,
        scales: { x: { time: false } },
        axes: [
          { label: "elapsed s" },
          { label: "calls/s", scale: "rate" },
          // uPlot.Axis.Side is an ambient const enum, which isolatedModules cannot read: 1 is Side.Right.
          // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
          { label: "active", scale: "active", side: 1, grid: { show: false } },
        ],
        series: [
          { label: "s" },
          { label: "calls/s", scale: "rate", stroke: "#2563eb", width: 2 },
          { label: "active calls", scale: "active", stroke: "#d97706", width: 2 },
        ],
      },
      [[], [], []],
      element,
    );
    plot.current = chart;
    const resize = new ResizeObserver(() =>
      chart.setSize({ width: Math.max(element.clientWidth, 300), height: HEIGHT }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData([series.seconds, series.callsPerSecond, series.active]);
  }, [series]);

  return (
    <figure class="chart">
      <div ref={host} class="chart-host" aria-hidden="true" />
      <figcaption class="muted small">
        Calls per second and active calls, one point a second ({series.seconds.length} points).
      </figcaption>
    </figure>
  );
}
