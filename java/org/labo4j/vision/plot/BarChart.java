package org.labo4j.vision.plot;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Grouped bars over categories, one colour per series: e.g. a row's smoothing distribution next to
 * the model's prediction over the classes.
 */
public final class BarChart {
    private BarChart() {
    }

    /**
     * @param series name to one value per category, in {@code categories} order; drawn in map order
     */
    public static void write(Path file, String title, String valueLabel, List<String> categories,
            Map<String, double[]> series) throws IOException {
        ChartFiles.useHeadlessUnlessSet();
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        for (Map.Entry<String, double[]> s : series.entrySet()) {
            if (s.getValue().length != categories.size()) {
                throw new IllegalArgumentException("series " + s.getKey() + " has " + s.getValue().length
                        + " values for " + categories.size() + " categories");
            }
            for (int i = 0; i < categories.size(); i++) {
                dataset.addValue(s.getValue()[i], s.getKey(), categories.get(i));
            }
        }
        CategoryAxis categoryAxis = new CategoryAxis();
        if (categories.size() > 6) {
            categoryAxis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        Color[] palette = {new Color(70, 110, 200), new Color(220, 120, 40), new Color(60, 160, 90),
            new Color(150, 80, 170)};
        for (int s = 0; s < series.size(); s++) {
            renderer.setSeriesPaint(s, palette[s % palette.length]);
        }
        CategoryPlot plot = new CategoryPlot(dataset, categoryAxis, new NumberAxis(valueLabel), renderer);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, series.size() > 1);
        ChartFiles.style(chart, plot);
        ChartFiles.savePng(chart, file, ChartFiles.DEFAULT_WIDTH, ChartFiles.DEFAULT_HEIGHT);
    }
}
