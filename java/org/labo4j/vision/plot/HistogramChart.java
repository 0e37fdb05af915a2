package org.labo4j.vision.plot;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.data.statistics.HistogramDataset;

/** A histogram of a sample (e.g. LABO's per-row temperatures); non-finite values are counted in the title. */
public final class HistogramChart {
    private HistogramChart() {
    }

    public static void write(Path file, String title, String valueLabel, double[] values, int bins)
            throws IOException {
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be positive, got " + bins);
        }
        ChartFiles.useHeadlessUnlessSet();
        double[] finite = Arrays.stream(values).filter(Double::isFinite).toArray();
        HistogramDataset dataset = new HistogramDataset();
        if (finite.length > 0) {
            double min = Arrays.stream(finite).min().getAsDouble();
            double max = Arrays.stream(finite).max().getAsDouble();
            // A constant sample still gets a visible bar of width 1 around its value.
            if (min == max) {
                min -= 0.5;
                max += 0.5;
            }
            dataset.addSeries(valueLabel, finite, bins, min, max);
        }
        XYBarRenderer renderer = new XYBarRenderer();
        renderer.setBarPainter(new StandardXYBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(true);
        renderer.setSeriesPaint(0, new Color(70, 110, 200));
        renderer.setSeriesOutlinePaint(0, Color.DARK_GRAY);
        NumberAxis valueAxis = new NumberAxis(valueLabel);
        valueAxis.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(dataset, valueAxis, new NumberAxis("count"), renderer);
        int dropped = values.length - finite.length;
        String fullTitle = title + " (n=" + finite.length + (dropped > 0 ? ", " + dropped + " non-finite left out" : "")
                + ")";
        JFreeChart chart = new JFreeChart(fullTitle, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        ChartFiles.style(chart, plot);
        ChartFiles.savePng(chart, file, ChartFiles.DEFAULT_WIDTH, ChartFiles.DEFAULT_HEIGHT);
    }
}
