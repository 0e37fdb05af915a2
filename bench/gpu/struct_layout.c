/* Prints the layout of labo.h's argument structs as the C compiler sees it, one
 * "struct field offset size" line per field, for check_structs.py. */
#include <stddef.h>
#include <stdio.h>

#include "labo/labo.h"

#define FIELD(s, f) printf("%s %s %zu %zu\n", #s, #f, offsetof(s, f), sizeof(((s *)0)->f))
#define SIZE(s) printf("%s sizeof %zu %zu\n", #s, sizeof(s), _Alignof(s))

int main(void) {
    SIZE(labo_loss_config);
    FIELD(labo_loss_config, smoothing);
    FIELD(labo_loss_config, temperature_rule);
    FIELD(labo_loss_config, alpha);
    FIELD(labo_loss_config, temperature);
    FIELD(labo_loss_config, budget);
    FIELD(labo_loss_config, ignore_index);
    FIELD(labo_loss_config, reduction);
    FIELD(labo_loss_config, num_threads);
    FIELD(labo_loss_config, max_newton_iterations);
    FIELD(labo_loss_config, reserved);
    SIZE(labo_loss_args);
    FIELD(labo_loss_args, device_type);
    FIELD(labo_loss_args, device_index);
    FIELD(labo_loss_args, stream);
    FIELD(labo_loss_args, dtype);
    FIELD(labo_loss_args, target_errors);
    FIELD(labo_loss_args, rows);
    FIELD(labo_loss_args, vocab);
    FIELD(labo_loss_args, logits_row_stride);
    FIELD(labo_loss_args, logits);
    FIELD(labo_loss_args, targets);
    FIELD(labo_loss_args, grad);
    FIELD(labo_loss_args, grad_row_stride);
    FIELD(labo_loss_args, loss);
    FIELD(labo_loss_args, row_temperature);
    FIELD(labo_loss_args, row_entropy);
    FIELD(labo_loss_args, row_p_target);
    return 0;
}
