/**
 * Hands a builder's object to a pulumi-kubernetes resource. The builders are typed with
 * kubernetes-models, whose quantities may be numbers where Pulumi's types want strings;
 * the builders write every quantity as a string, which the builder tests assert.
 */
export function asResourceArgs<Args>(object: object): Args {
  return object as Args;
}
