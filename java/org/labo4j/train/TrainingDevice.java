package org.labo4j.train;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;

/**
 * Where a training run keeps its model, optimizer state and batches: {@code cpu}, {@code cuda} (device 0)
 * or {@code cuda:N}. The fused loss follows its input tensors, so a model on a CUDA device trains with
 * the CUDA kernels on libtorch's current stream.
 */
public final class TrainingDevice {
    public static final TrainingDevice CPU = new TrainingDevice(false, 0);

    private final boolean cuda;
    private final int index;

    private TrainingDevice(boolean cuda, int index) {
        this.cuda = cuda;
        this.index = index;
    }

    /** {@code cpu}, {@code cuda} or {@code cuda:N}; throws IllegalArgumentException for anything else. */
    public static TrainingDevice parse(String text) {
        if ("cpu".equals(text)) {
            return CPU;
        }
        if ("cuda".equals(text)) {
            return new TrainingDevice(true, 0);
        }
        if (text != null && text.matches("cuda:[0-9]{1,3}")) {
            return new TrainingDevice(true, Integer.parseInt(text.substring("cuda:".length())));
        }
        throw new IllegalArgumentException("device must be cpu, cuda or cuda:N, got " + text);
    }

    /** This device, after checking that libtorch can use it (a clear error rather than a failure mid-run). */
    public TrainingDevice requireAvailable() {
        if (!cuda) {
            return this;
        }
        if (!torch.cuda_is_available()) {
            throw new IllegalArgumentException("device " + this + ": libtorch here has no usable CUDA device (the CPU "
                    + "build of the PyTorch presets, or no GPU or driver); on a GPU machine take the presets' CUDA "
                    + "natives: LABO_PYTORCH_NATIVES=linux-x86_64-gpu ./labo ..., or mvn -Dpytorch.natives=linux-x86_64-gpu");
        }
        final int count = torch.cuda_device_count();
        if (index >= count) {
            throw new IllegalArgumentException("device " + this + ": libtorch sees " + count + " CUDA device(s)");
        }
        return this;
    }

    public boolean isCuda() {
        return cuda;
    }

    /** The libtorch device; a new native object per call, released with the caller's pointer scope. */
    public Device device() {
        return cuda ? new Device(DeviceType.CUDA, (byte) index) : new Device(DeviceType.CPU);
    }

    /** The device of a module's first parameter ({@link #CPU} for a module without parameters). */
    public static Device of(Module module) {
        final TensorVector parameters = module.parameters();
        return parameters.empty() ? CPU.device() : parameters.get(0).device();
    }

    @Override
    public String toString() {
        return cuda ? "cuda:" + index : "cpu";
    }
}
