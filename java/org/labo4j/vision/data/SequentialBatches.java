package org.labo4j.vision.data;

/** Evaluation batches: every image once, in dataset order, no augmentation; the last batch may be short. */
public final class SequentialBatches {
    private final ImageDataset dataset;
    private final int batchSize;
    private final BatchAssembler assembler;
    private final int[] identity;

    public SequentialBatches(ImageDataset dataset, int batchSize, Normalization normalization) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("evaluation batch size must be positive, got " + batchSize);
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.assembler = new BatchAssembler(normalization, null);
        this.identity = new int[dataset.size()];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = i;
        }
    }

    public int count() {
        return (dataset.size() + batchSize - 1) / batchSize;
    }

    public ImageDataset dataset() {
        return dataset;
    }

    public Batch batch(int index) {
        int from = index * batchSize;
        int to = Math.min(from + batchSize, dataset.size());
        if (index < 0 || from >= to) {
            throw new IndexOutOfBoundsException("batch " + index + " of " + count());
        }
        return assembler.assemble(dataset, identity, from, to, 0L);
    }
}
