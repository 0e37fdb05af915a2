package org.labo4j.vision.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class VisionTrainConfigTest {
    @Test
    void defaultsAreValid() {
        new VisionTrainConfig().validate();
    }

    @Test
    void optionsAreSetFromText() {
        VisionTrainConfig c = new VisionTrainConfig()
                .set("lr", "0.1").set("optimizer", "adamw").set("schedule", "step").set("nesterov", "false")
                .set("runDir", "/tmp/x").set("epochs", "3").set("seed", "12345678901");
        assertEquals(0.1, c.lr);
        assertEquals(OptimizerKind.ADAMW, c.optimizer);
        assertEquals(ScheduleKind.STEP, c.schedule);
        assertEquals(false, c.nesterov);
        assertEquals(Path.of("/tmp/x"), c.runDir);
        assertEquals(3, c.epochs);
        assertEquals(12345678901L, c.seed);
    }

    @Test
    void badOptionsAreNamed() {
        VisionTrainConfig c = new VisionTrainConfig();
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> c.set("learningRate", "1"));
        assertTrue(unknown.getMessage().contains("learningRate") && unknown.getMessage().contains("lr"));
        IllegalArgumentException unparsable = assertThrows(IllegalArgumentException.class, () -> c.set("epochs", "ten"));
        assertTrue(unparsable.getMessage().contains("epochs"));
        assertThrows(IllegalArgumentException.class, () -> c.set("nesterov", "yes"));
        c.dropout = 1;
        IllegalArgumentException dropout = assertThrows(IllegalArgumentException.class, c::validate);
        assertTrue(dropout.getMessage().startsWith("dropout"), dropout.getMessage());
        c.dropout = 0;
        c.model = "alexnet";
        IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class, c::validate);
        assertTrue(invalid.getMessage().startsWith("model"), invalid.getMessage());
    }

    @Test
    void propertiesRoundTripExactly() {
        VisionTrainConfig c = new VisionTrainConfig().set("lr", "0.1234567890123").set("weightDecay", "1e-4")
                .set("augment", "true").set("model", "resnet18");
        assertEquals(c.asMap(), VisionTrainConfig.fromProperties(c.toProperties()).asMap());
        assertEquals(c.asMap(), c.copy().asMap());
    }

    @Test
    void resumeCheckIgnoresRunControlButNotTheTrajectory() {
        VisionTrainConfig saved = new VisionTrainConfig();
        VisionTrainConfig resumed = saved.copy().set("runDir", "elsewhere").set("resume", "true")
                .set("threads", "7").set("maxSteps", "10");
        assertEquals(List.of(), resumed.trajectoryDifferences(saved));
        resumed.set("lr", "0.5").set("epochs", "20");
        List<String> differences = resumed.trajectoryDifferences(saved);
        assertEquals(2, differences.size(), differences.toString());
        assertTrue(differences.get(0).startsWith("epochs") || differences.get(1).startsWith("epochs"));
    }
}
