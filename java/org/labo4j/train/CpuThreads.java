package org.labo4j.train;

import static org.bytedeco.openblas.global.openblas_nolapack.blas_get_num_threads;
import static org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads;
import static org.bytedeco.pytorch.global.torch.get_num_threads;
import static org.bytedeco.pytorch.global.torch.set_num_threads;

import java.util.Locale;

/**
 * Which of CPU libtorch's two thread pools gets a job's threads.
 *
 * <p>The CPU build of libtorch used here runs element-wise kernels, reductions and oneDNN
 * convolutions on its OpenMP pool, and matrix products on OpenBLAS's own pthread pool. Workers of
 * both pools keep spinning for a while after their work is done. With both pools sized to the core
 * count, one pool's idle workers take the cores the other pool is computing on, and a step can take
 * twice as long (measured on 2 cores: a small CNN step 140-210 ms with both pools at 2 threads,
 * 55-100 ms with OpenBLAS at 1; a Transformer step 4.0-4.5 s against 2.6 s with OpenMP at 1). So a
 * job hands all its threads to the pool that does most of its work and leaves the other pool one
 * thread, which is the calling thread itself and never spins.
 */
public enum CpuThreads {
    /** Convolutional networks: oneDNN convolutions and element-wise kernels run on the OpenMP pool. */
    OPENMP,
    /** Transformers: the time goes to matrix products, which OpenBLAS runs on its own pool. */
    BLAS;

    /** Sizes both pools for {@code threads} cores; {@code threads >= 1}. */
    public void apply(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + " must be >= 1");
        }
        set_num_threads(this == OPENMP ? threads : 1);
        blas_set_num_threads(this == BLAS ? threads : 1);
    }

    /** The pool sizes in force, for logs: {@code "OpenMP 2, OpenBLAS 1"}. */
    public static String describe() {
        return String.format(Locale.ROOT, "OpenMP %d, OpenBLAS %d", get_num_threads(), blas_get_num_threads());
    }
}
