#pragma warning disable CA1008, CA1027, CA1028, CA1069, CA1711, CA1720 // OpenTK's names and values, kept as they are
namespace OperandoXrd.Viewer.Native;

// The enum types and member names of OpenTK.Graphics.OpenGL4, holding only the values we pass.

[Flags]
public enum ClearBufferMask { DepthBufferBit = 0x0100, ColorBufferBit = 0x4000 }

public enum EnableCap { Blend = 0x0BE2, ScissorTest = 0x0C11, DepthTest = 0x0B71, Multisample = 0x809D }

public enum BlendingFactor { Zero = 0, One = 1, SrcAlpha = 0x0302, OneMinusSrcAlpha = 0x0303 }

public enum PrimitiveType { Points = 0, Lines = 1, LineStrip = 3, Triangles = 4 }

public enum ErrorCode { NoError = 0, InvalidEnum = 0x0500, InvalidValue = 0x0501, InvalidOperation = 0x0502, OutOfMemory = 0x0505, InvalidFramebufferOperation = 0x0506 }

public enum StringName { Vendor = 0x1F00, Renderer = 0x1F01, Version = 0x1F02, ShadingLanguageVersion = 0x8B8C }

public enum GetPName { MaxTextureSize = 0x0D33, Viewport = 0x0BA2 }

public enum TextureTarget { Texture2D = 0x0DE1 }

public enum TextureUnit { Texture0 = 0x84C0, Texture1 = 0x84C1 }

public enum TextureParameterName { TextureMagFilter = 0x2800, TextureMinFilter = 0x2801, TextureWrapS = 0x2802, TextureWrapT = 0x2803, TextureMaxLevel = 0x813D }

public enum TextureMinFilter { Nearest = 0x2600, Linear = 0x2601 }

public enum TextureWrapMode { ClampToEdge = 0x812F }

public enum PixelInternalFormat { Rgba8 = 0x8058, R8 = 0x8229, R32f = 0x822E }

public enum PixelFormat { Red = 0x1903, Rgba = 0x1908 }

public enum PixelType { UnsignedByte = 0x1401, Float = 0x1406 }

public enum PixelStoreParameter { UnpackAlignment = 0x0CF5, PackAlignment = 0x0D05 }

public enum BufferTarget { ArrayBuffer = 0x8892 }

public enum BufferUsageHint { StreamDraw = 0x88E0, StaticDraw = 0x88E4, DynamicDraw = 0x88E8 }

public enum VertexAttribPointerType { Float = 0x1406 }

public enum ShaderType { FragmentShader = 0x8B30, VertexShader = 0x8B31 }

public enum ShaderParameter { CompileStatus = 0x8B81, InfoLogLength = 0x8B84 }

public enum GetProgramParameterName { LinkStatus = 0x8B82, InfoLogLength = 0x8B84 }

public enum FramebufferTarget { ReadFramebuffer = 0x8CA8, DrawFramebuffer = 0x8CA9, Framebuffer = 0x8D40 }

public enum FramebufferAttachment { ColorAttachment0 = 0x8CE0 }

public enum FramebufferErrorCode { FramebufferComplete = 0x8CD5 }
