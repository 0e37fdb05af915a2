package org.labo4j.vision.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Two panels per epoch sharing the epoch axis, one line per series: loss (top) and accuracy (bottom)
 * by default, or any two quantities with their own axis labels (e.g. loss and BLEU).
 */
public final class TrainingCurvesChart {
    private static final Color[] PALETTE = {new Color(70, 110, 200), new Color(220, 120, 40),
        new Color(60, 160, 90), new Color(150, 80, 170)};

    private TrainingCurvesChart() {
    }

    public static void write(Path file, String title, List<LineSeries> losses, List<LineSeries> accuracies)
            throws IOException {
        write(file, title, "loss", losses, "accuracy", accuracies);
    }

    public static void write(Path file, String title, String topLabel, List<LineSeries> top, String bottomLabel,
            List<LineSeries> bottom) throws IOException {
        ChartFiles.useHeadlessUnlessSet();
        NumberAxis epochAxis = new NumberAxis("epoch");
        epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochAxis);
        plot.setGap(12);
        plot.add(subplot(topLabel, top), 1);
        plot.add(subplot(bottomLabel, bottom), 1);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        ChartFiles.style(chart, plot);
        ChartFiles.savePng(chart, file, ChartFiles.DEFAULT_WIDTH, ChartFiles.DEFAULT_HEIGHT + 200);
    }

    private static XYPlot subplot(String valueLabel, List<LineSeries> lines) {
        XYSeriesCollection dataset = new XYSeriesCollection();
        for (LineSeries line : lines) {
            XYSeries series = new XYSeries(line.name(), false, true);
            for (int i = 0; i < line.x().length; i++) {
                if (Double.isFinite(line.x()[i]) && Double.isFinite(line.y()[i])) {
                    series.add(line.x()[i], line.y()[i]);
                }
            }
            dataset.addSeries(series);
        }
        NumberAxis valueAxis = new NumberAxis(valueLabel);
        valueAxis.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int s = 0; s < lines.size(); s++) {
            // The same colour for the n-th series of both panels: train / validation read alike in each.
            renderer.setSeriesPaint(s, PALETTE[s % PALETTE.length]);
            renderer.setSeriesStroke(s, new BasicStroke(2f));
        }
        XYPlot plot = new XYPlot(dataset, null, valueAxis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return plot;
    }
}
