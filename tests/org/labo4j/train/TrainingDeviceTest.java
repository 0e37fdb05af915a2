package org.labo4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The --device option: its spellings, its refusals, and where a module's parameters are. */
class TrainingDeviceTest {
    @Test
    void parsesCpuAndCudaSpellings() {
        assertSame(TrainingDevice.CPU, TrainingDevice.parse("cpu"));
        assertEquals("cuda:0", TrainingDevice.parse("cuda").toString());
        assertEquals("cuda:3", TrainingDevice.parse("cuda:3").toString());
        assertTrue(TrainingDevice.parse("cuda:1").isCuda());
        assertFalse(TrainingDevice.CPU.isCuda());
        final Device d = TrainingDevice.parse("cuda:2").device();
        assertTrue(d.is_cuda());
        assertEquals(2, (int) d.index());
        assertTrue(TrainingDevice.CPU.device().is_cpu());
    }

    @Test
    void refusesOtherSpellings() {
        for (String bad : new String[] {"gpu", "CUDA", "cuda:", "cuda:-1", "cuda:x", "cpu:0", "", "cuda:0 "}) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingDevice.parse(bad));
            assertTrue(e.getMessage().contains("cpu, cuda or cuda:N"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> TrainingDevice.parse(null));
    }

    @Test
    void cudaIsRefusedWhereLibtorchHasNoDevice() {
        Assumptions.assumeFalse(torch.cuda_is_available(), "libtorch has CUDA here");
        assertSame(TrainingDevice.CPU, TrainingDevice.CPU.requireAvailable());
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingDevice.parse("cuda").requireAvailable());
        assertTrue(e.getMessage().startsWith("device cuda:0: libtorch here has no usable CUDA device"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dpytorch.natives=linux-x86_64-gpu"), e.getMessage());
    }

    @Test
    void aModuleIsWhereItsParametersAre() {
        final Module empty = new Module();
        assertTrue(TrainingDevice.of(empty).is_cpu());
        final LinearImpl linear = new LinearImpl(3, 2);
        assertTrue(TrainingDevice.of(linear).is_cpu());
        if (torch.cuda_is_available()) {
            linear.to(TrainingDevice.parse("cuda").device(), false);
            assertTrue(TrainingDevice.of(linear).is_cuda());
        }
    }
}
