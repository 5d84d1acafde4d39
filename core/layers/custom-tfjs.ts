/**
 * TensorFlow.js layer classes NetCanvas adds for layer types tfjs does not
 * have (Maxout, Subtract). tfjs enters `core/layers` only as a type, so each
 * class is made from the tfjs namespace the caller hands in, once per
 * namespace, and registered with tfjs's serialization, so a model holding
 * it saves, clones and loads in the same program like any other.
 *
 * Outside NetCanvas a model.json with such a layer loads only where the same
 * class is defined first: the spec's `customClass` holds the code to do it,
 * and an export that needs it says so in its README.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Shape, Tfjs } from './layer-spec';

/** What a custom tfjs layer computes; `A` is its own configuration (e.g. `{ pieces: 2 }`). */
export interface CustomLayerDefinition<A extends Record<string, unknown>> {
  /** The class name written into model.json, the same as the layer's NetCanvas type. */
  className: string;
  /** The output shape for one input's shape, or a merge's list of shapes. */
  outputShape(input: Shape | Shape[], args: A): Shape;
  /** The output for the layer's input tensors (one, or a merge's several), inside `tf.tidy`. */
  call(tf: Tfjs, inputs: tfjs.Tensor[], args: A): tfjs.Tensor;
  /** The layer's own configuration, kept from the arguments it was built with. */
  pick(args: Readonly<Record<string, unknown>>): A;
}

/** The arguments a custom layer class takes: tfjs's layer arguments and its own configuration. */
export type CustomLayerArgs<A> = A & { name?: string; trainable?: boolean };

type CustomLayerClass<A> = new (args: CustomLayerArgs<A>) => tfjs.layers.Layer;

const made = new WeakMap<Tfjs, Map<string, CustomLayerClass<never>>>();

/**
 * The tfjs layer class for `definition` in the namespace `tf`, made and
 * registered for serialization on first use.
 *
 * @example
 * const Maxout = customLayerClass(tf, MAXOUT);
 * const layer = new Maxout({ pieces: 2, name: 'maxout1' });
 */
export function customLayerClass<A extends Record<string, unknown>>(
  tf: Tfjs,
  definition: CustomLayerDefinition<A>,
): CustomLayerClass<A> {
  let classes = made.get(tf);
  if (!classes) made.set(tf, (classes = new Map()));
  const known = classes.get(definition.className);
  if (known) return known as unknown as CustomLayerClass<A>;

  class CustomLayer extends tf.layers.Layer {
    static className = definition.className;
    private readonly own: A;
    constructor(args: CustomLayerArgs<A>) {
      super(args);
      this.own = definition.pick(args);
    }
    override computeOutputShape(inputShape: tfjs.Shape | tfjs.Shape[]): tfjs.Shape {
      return [...definition.outputShape(inputShape as Shape | Shape[], this.own)];
    }
    override call(inputs: tfjs.Tensor | tfjs.Tensor[]): tfjs.Tensor {
      return tf.tidy(() => definition.call(tf, Array.isArray(inputs) ? inputs : [inputs], this.own));
    }
    override getConfig(): tfjs.serialization.ConfigDict {
      return { ...super.getConfig(), ...(this.own as tfjs.serialization.ConfigDict) };
    }
  }
  tf.serialization.registerClass(CustomLayer);
  classes.set(definition.className, CustomLayer as unknown as CustomLayerClass<never>);
  return CustomLayer as unknown as CustomLayerClass<A>;
}
