namespace OperandoXrd.Crystallography.Cif;

/// <summary>
/// Reads the CIF 1.1 syntax crystallographers ship: data_ blocks, tag–value pairs, loop_ tables, '…' and "…"
/// strings (a quote only closes before whitespace, so "O'Neil" style text survives), ;-delimited multi-line text
/// fields, and # comments. save_ frames and global_ are skipped. Errors carry file and line.
/// </summary>
public static class CifReader
{
    private enum Kind
    {
        Value,
        Tag,
        Loop,
        Data,
        Other,
    }

    private readonly record struct Token(Kind Kind, string Text, int Line, bool Quoted);

    /// <summary>Reads a CIF file.</summary>
    public static CifDocument ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new CifFormatException(path, 0, $"cannot read the file: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CifFormatException(path, 0, $"cannot read the file: {e.Message}", e);
        }

        return Parse(text, path);
    }

    /// <summary>Parses CIF text; <paramref name="file"/> names the source in error messages.</summary>
    public static CifDocument Parse(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = Tokenize(text, file);
        var blocks = new List<CifBlock>();
        CifBlock? block = null;
        var i = 0;
        while (i < tokens.Count)
        {
            var t = tokens[i];
            switch (t.Kind)
            {
                case Kind.Data:
                    block = new CifBlock(t.Text[5..], t.Line);
                    blocks.Add(block);
                    i++;
                    break;
                case Kind.Other:
                    i++;
                    break;
                case Kind.Tag:
                    {
                        if (block is null)
                        {
                            throw new CifFormatException(file, t.Line, $"tag {t.Text} appears before any data_ block");
                        }

                        if (i + 1 >= tokens.Count || tokens[i + 1].Kind != Kind.Value)
                        {
                            throw new CifFormatException(file, t.Line, $"tag {t.Text} has no value");
                        }

                        var v = tokens[i + 1];
                        block.Add(NormalizeTag(t.Text), new CifValue(v.Text, v.Line, v.Quoted), t.Line);
                        i += 2;
                        break;
                    }

                case Kind.Loop:
                    {
                        if (block is null)
                        {
                            throw new CifFormatException(file, t.Line, "loop_ appears before any data_ block");
                        }

                        var loopLine = t.Line;
                        i++;
                        var tags = new List<string>();
                        while (i < tokens.Count && tokens[i].Kind == Kind.Tag)
                        {
                            tags.Add(NormalizeTag(tokens[i].Text));
                            i++;
                        }

                        if (tags.Count == 0)
                        {
                            throw new CifFormatException(file, loopLine, "loop_ without tags");
                        }

                        var values = new List<Token>();
                        while (i < tokens.Count && tokens[i].Kind == Kind.Value)
                        {
                            values.Add(tokens[i]);
                            i++;
                        }

                        if (values.Count % tags.Count != 0)
                        {
                            var lastLine = values.Count > 0 ? values[^1].Line : loopLine;
                            throw new CifFormatException(file, lastLine,
                                $"loop_ starting at line {loopLine} ({tags[0]} …) has {values.Count} values, not a multiple of its {tags.Count} tags");
                        }

                        var rows = new List<CifValue[]>();
                        for (var r = 0; r < values.Count; r += tags.Count)
                        {
                            var row = new CifValue[tags.Count];
                            for (var c = 0; c < tags.Count; c++)
                            {
                                var v = values[r + c];
                                row[c] = new CifValue(v.Text, v.Line, v.Quoted);
                            }

                            rows.Add(row);
                        }

                        block.Add(new CifLoop(loopLine, tags, rows));
                        break;
                    }

                default:
                    throw new CifFormatException(file, t.Line, $"value '{Shorten(t.Text)}' without a tag");
            }
        }

        if (blocks.Count == 0)
        {
            throw new CifFormatException(file, 1, "no data_ block found (is this a CIF?)");
        }

        return new CifDocument(file, blocks);
    }

    /// <summary>Lower case, and '.' read as '_' so that "_space_group_symop.operation_xyz" matches too.</summary>
    public static string NormalizeTag(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return tag.ToLowerInvariant().Replace('.', '_');
    }

    private static string Shorten(string s) => s.Length > 40 ? s[..40] + "…" : s;

    private static List<Token> Tokenize(string text, string file)
    {
        var tokens = new List<Token>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            var lineNo = n + 1;
            if (line.StartsWith(';'))
            {
                // Multi-line text field: runs to the next line that starts with ';'.
                var start = lineNo;
                var sb = new System.Text.StringBuilder(line[1..]);
                n++;
                while (n < lines.Length && !lines[n].StartsWith(';'))
                {
                    sb.Append('\n').Append(lines[n]);
                    n++;
                }

                if (n >= lines.Length)
                {
                    throw new CifFormatException(file, start, "text field opened with ';' is never closed");
                }

                tokens.Add(new Token(Kind.Value, sb.ToString(), start, true));
                // Anything after the closing ';' on the same line is more tokens.
                TokenizeLine(lines[n][1..], lineNo: n + 1, tokens, file);
                continue;
            }

            TokenizeLine(line, lineNo, tokens, file);
        }

        return tokens;
    }

    private static void TokenizeLine(string line, int lineNo, List<Token> tokens, string file)
    {
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c == '#')
            {
                return;
            }

            if (c is '\'' or '"')
            {
                var end = i + 1;
                while (end < line.Length && !(line[end] == c && (end + 1 == line.Length || char.IsWhiteSpace(line[end + 1]))))
                {
                    end++;
                }

                if (end >= line.Length)
                {
                    throw new CifFormatException(file, lineNo, $"string opened with {c} is not closed on this line");
                }

                tokens.Add(new Token(Kind.Value, line[(i + 1)..end], lineNo, true));
                i = end + 1;
                continue;
            }

            var stop = i;
            while (stop < line.Length && !char.IsWhiteSpace(line[stop]))
            {
                stop++;
            }

            var word = line[i..stop];
            i = stop;
            if (word[0] == '_')
            {
                tokens.Add(new Token(Kind.Tag, word, lineNo, false));
            }
            else if (word.StartsWith("data_", StringComparison.OrdinalIgnoreCase))
            {
                tokens.Add(new Token(Kind.Data, word, lineNo, false));
            }
            else if (string.Equals(word, "loop_", StringComparison.OrdinalIgnoreCase))
            {
                tokens.Add(new Token(Kind.Loop, word, lineNo, false));
            }
            else if (word.StartsWith("save_", StringComparison.OrdinalIgnoreCase) ||
                     string.Equals(word, "global_", StringComparison.OrdinalIgnoreCase) ||
                     string.Equals(word, "stop_", StringComparison.OrdinalIgnoreCase))
            {
                tokens.Add(new Token(Kind.Other, word, lineNo, false));
            }
            else
            {
                tokens.Add(new Token(Kind.Value, word, lineNo, false));
            }
        }
    }
}
