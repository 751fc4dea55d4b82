import { messageOf } from '../../src/source/thrown';

describe('messageOf', () => {
  test('an Error gives its message, without the class name', () => {
    expect(messageOf(new TypeError('x is undefined'))).toBe('x is undefined');
  });

  test('anything else thrown gives the value as text', () => {
    expect(messageOf('plain string')).toBe('plain string');
    expect(messageOf(42)).toBe('42');
    expect(messageOf(undefined)).toBe('undefined');
  });
});
