import { chatCode, chatText, clip, escapeChat, inProse, oneLine, TEXT_LIMITS } from '../../lambda/retry-stalled-replication/decide/untrusted-text';

describe('oneLine', () => {
  it.each([
    ['a newline', 'a\nb', 'a b'],
    ['CR LF and blank lines', 'a\r\n\r\nb', 'a b'],
    ['a tab', 'a\tb', 'a b'],
    ['NUL and escape', 'a\u0000\u001b[31mb', 'a [31mb'],
    ['DEL and C1 controls', 'a\u007f\u0085b', 'a b'],
    ['Unicode line and paragraph separators', 'a\u2028b\u2029c', 'a b c'],
    ['a right-to-left override', 'abc\u202edcba', 'abc dcba'],
    ['zero-width characters', 'a\u200bb\ufeffc', 'a b c'],
    ['leading and trailing space', '  a  ', 'a'],
  ])('puts %s on one line', (_what, value, cleaned) => {
    expect(oneLine(value, 100)).toBe(cleaned);
  });

  it('keeps ordinary text, non-Latin letters and emoji as they are', () => {
    expect(oneLine('sérveur-01 数据 \u{1f4a5} ok', 100)).toBe('sérveur-01 数据 \u{1f4a5} ok');
  });

  it('clips at the limit with an ellipsis', () => {
    const clipped = oneLine('x'.repeat(300_000), TEXT_LIMITS.rawError);
    expect(clipped).toHaveLength(TEXT_LIMITS.rawError);
    expect(clipped.endsWith('…')).toBe(true);
  });
});

describe('clip', () => {
  it('never cuts a surrogate pair in half', () => {
    const clipped = clip(`${'x'.repeat(8)}\u{1f4a5}\u{1f4a5}`, 10);
    expect(clipped).toBe(`${'x'.repeat(8)}…`);
    expect(clipped).not.toMatch(/[\ud800-\udfff]/);
  });

  it('leaves text within the limit alone', () => {
    expect(clip('abc', 3)).toBe('abc');
  });
});

describe('chat text', () => {
  const hostile = '<!channel> *URGENT* <https://evil.example/login|Open MGN console>';

  it('escapes &, < and > so nothing mentions or links', () => {
    expect(escapeChat('a & <b> &amp;')).toBe('a &amp; &lt;b&gt; &amp;amp;');
    const text = chatText(hostile, 253);
    expect(text).not.toMatch(/[<>]/);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&lt;https://evil.example/login|Open MGN console&gt;');
  });

  it('takes emphasis, strike, code and link characters out of markdown', () => {
    const text = chatText('*URGENT* ~gone~ `x` [Open](https://evil.example) _note_', 200);
    expect(text).not.toMatch(/[*~`[\]]/);
    expect(text).not.toMatch(/(^|\W)_|_(\W|$)/);
  });

  it('keeps underscores inside words, as error codes and hostnames have them', () => {
    expect(chatText('AGENT_NOT_SEEN on web_01', 100)).toBe('AGENT_NOT_SEEN on web_01');
  });

  it('puts a value on one line first', () => {
    expect(chatText('<!here>\nfake line', 100)).toBe('&lt;!here&gt; fake line');
  });

  it('makes a code span nothing can leave: no newline, no backtick, escaped', () => {
    expect(chatCode('<!here>\nfake `line`', 100)).toBe("`&lt;!here&gt; fake 'line'`");
    expect(chatCode('x'.repeat(2_000), 1_000)).toHaveLength(1_002);
  });
});

describe('inProse', () => {
  it('keeps a value together when a paragraph wraps: its spaces do not break', () => {
    expect(inProse('evil  Open the server:\nhttps://evil.example', 100)).toBe('evil\u00a0Open\u00a0the\u00a0server:\u00a0https://evil.example');
  });
});
