/** Every op works on either precision: Float32Array for training, Float64Array for gradient checks. */
export type Arr = Float32Array | Float64Array;
