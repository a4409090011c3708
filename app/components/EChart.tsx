import { useEffect, useRef } from 'react';

/** An ECharts chart, drawn in the browser only (echarts needs a DOM); resizes with its box. */
export function EChart({ option, height = 240, testId }: { option: Record<string, unknown>; height?: number; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let disposed = false;
    let chart: { setOption(o: unknown): void; resize(): void; dispose(): void } | null = null;
    const observer = new ResizeObserver(() => chart?.resize());
    void import('echarts').then((echarts) => {
      if (disposed || !box.current) return;
      chart = echarts.init(box.current);
      chart.setOption(option);
      observer.observe(box.current);
    });
    return () => {
      disposed = true;
      observer.disconnect();
      chart?.dispose();
    };
  }, [option]);
  return <div ref={box} style={{ width: '100%', height }} data-testid={testId} />;
}
