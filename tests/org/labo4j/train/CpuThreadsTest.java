package org.labo4j.train;

import static org.bytedeco.openblas.global.openblas_nolapack.blas_get_num_threads;
import static org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads;
import static org.bytedeco.pytorch.global.torch.get_num_threads;
import static org.bytedeco.pytorch.global.torch.set_num_threads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each layout gives the threads to one pool and leaves the other at the calling thread. */
class CpuThreadsTest {
    private int openmpBefore;
    private int blasBefore;

    @BeforeEach
    void remember() {
        openmpBefore = get_num_threads();
        blasBefore = blas_get_num_threads();
    }

    @AfterEach
    void restore() {
        set_num_threads(openmpBefore);
        blas_set_num_threads(blasBefore);
    }

    @Test
    void openmpLayoutSizesLibtorchsPoolAndLeavesOpenBlasOneThread() {
        CpuThreads.OPENMP.apply(3);
        assertEquals(3, get_num_threads());
        assertEquals(1, blas_get_num_threads());
        assertEquals("OpenMP 3, OpenBLAS 1", CpuThreads.describe());
    }

    @Test
    void blasLayoutSizesOpenBlasAndLeavesLibtorchOneThread() {
        CpuThreads.BLAS.apply(3);
        assertEquals(1, get_num_threads());
        assertEquals(3, blas_get_num_threads());
        assertEquals("OpenMP 1, OpenBLAS 3", CpuThreads.describe());
    }

    @Test
    void refusesFewerThanOneThread() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuThreads.BLAS.apply(0));
        assertEquals("threads = 0 must be >= 1", e.getMessage());
    }
}
