/**
 * Receptive fields against the figures published for the classic networks:
 * AlexNet's conv1 sees 11×11 pixels and its last pooling 195×195 (Araujo et
 * al., "Computing receptive fields of convolutional neural networks",
 * Distill 2019); VGG-16's last convolution 196×196 and its last pooling 212.
 */
import { describe, expect, it } from 'vitest';
import { addNode, connect, emptyGraph } from '../../../core/graph/graph';
import { inferShapes } from '../../../core/graph/infer';
import { inputImageSize, receptiveFields } from '../../../core/graph/receptive-field';
import { getTemplate } from '../../../templates/index';

const fieldsOf = (id: string) => {
  const graph = getTemplate(id).build();
  const report = inferShapes(graph);
  const fields = receptiveFields(graph, report);
  return { graph, report, byName: (name: string) => fields.get(graph.nodes.find((n) => n.name === name)!.id) };
};

describe('receptive fields', () => {
  it('follow AlexNet layer by layer to 195×195 at its last pooling', () => {
    const { byName, graph } = fieldsOf('alexnet');
    const convs = graph.nodes.filter((n) => n.type === 'Conv2D').map((n) => n.name);
    const pools = graph.nodes.filter((n) => n.type === 'MaxPooling2D').map((n) => n.name);
    expect(byName(convs[0])).toEqual({ size: [11, 11], step: [4, 4], whole: false });
    expect(byName(pools[0])?.size).toEqual([19, 19]);
    expect(byName(convs[1])?.size).toEqual([51, 51]);
    expect(byName(pools[2])).toEqual({ size: [195, 195], step: [32, 32], whole: false });
  });

  it('reach 196 at VGG-16’s last convolution and 212 at its last pooling; the classifier sees everything', () => {
    const { byName, graph } = fieldsOf('vgg16');
    const convs = graph.nodes.filter((n) => n.type === 'Conv2D').map((n) => n.name);
    const pools = graph.nodes.filter((n) => n.type === 'MaxPooling2D').map((n) => n.name);
    expect(byName(convs.at(-1)!)?.size).toEqual([196, 196]);
    expect(byName(pools.at(-1)!)?.size).toEqual([212, 212]);
    const dense = graph.nodes.filter((n) => n.type === 'Dense').at(-1)!;
    expect(byName(dense.name)?.whole).toBe(true);
  });

  it('take the wider input at a merge, and know the input image size', () => {
    let g = emptyGraph();
    const input = addNode(g, 'InputLayer', { params: { shape: [32, 32, 3] } });
    const wide = addNode(input.graph, 'Conv2D', { params: { kernelSize: [5, 5], padding: 'same' } });
    const narrow = addNode(wide.graph, 'Conv2D', { params: { kernelSize: [1, 1] } });
    const add = addNode(narrow.graph, 'Add');
    g = connect(add.graph, input.id, wide.id);
    g = connect(g, input.id, narrow.id);
    g = connect(g, wide.id, add.id, 0);
    g = connect(g, narrow.id, add.id, 1);
    const report = inferShapes(g);
    expect(receptiveFields(g, report).get(add.id)?.size).toEqual([5, 5]);
    expect(inputImageSize(g, report)).toEqual([32, 32]);
  });
});
