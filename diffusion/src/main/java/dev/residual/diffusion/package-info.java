/**
 * Diffusion models from first principles: noise schedules, DDPM and DDIM samplers, MLP and U-Net
 * denoisers, classifier and classifier-free guidance, CLIP and CLIP guidance.
 *
 * <p>Not yet implemented: this module will be filled by the diffusion issues. It depends on {@code
 * core-tensor}.
 */
package dev.residual.diffusion;
