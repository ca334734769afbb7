using System.Security.Cryptography;
using LegalBot.Cases.Privacy;

namespace LegalBot.Cases.Tests;

public class PrivacyTests
{
    [Fact]
    public void Field_encryption_round_trips_and_rejects_tampering_another_key_or_another_place()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var p = new AesGcmFieldProtector(key);
        var sealedValue = p.Protect("13812345678", "case:FY-1:mobile");
        Assert.NotEqual(sealedValue, p.Protect("13812345678", "case:FY-1:mobile"));
        Assert.Equal("13812345678", p.Unprotect(sealedValue, "case:FY-1:mobile"));
        Assert.ThrowsAny<CryptographicException>(() => p.Unprotect(sealedValue, "case:FY-2:mobile"));
        Assert.ThrowsAny<CryptographicException>(() => new AesGcmFieldProtector(RandomNumberGenerator.GetBytes(32)).Unprotect(sealedValue, "case:FY-1:mobile"));
        var bytes = Convert.FromBase64String(sealedValue[3..]);
        bytes[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => p.Unprotect("v1." + Convert.ToBase64String(bytes), "case:FY-1:mobile"));
        Assert.Throws<ArgumentException>(() => AesGcmFieldProtector.FromBase64("c2hvcnQ="));
        Assert.Throws<ArgumentException>(() => AesGcmFieldProtector.FromBase64("not base64!"));
    }

    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("张三", "张*")]
    public void Masks(string value, string masked) =>
        Assert.Equal(masked, value.All(char.IsAsciiDigit) ? PiiMasking.MaskMobile(value) : PiiMasking.MaskName(value));

    [Theory]
    [InlineData("查询进度 FY-261122-K7M3", "FY-261122-K7M3")]
    [InlineData("查询进度fy261122k7m3", "FY-261122-K7M3")]
    [InlineData("ＴＪ－２６１１２２－ＡＢＣＤ", "TJ-261122-ABCD")]
    [InlineData("编号是 TJ 261122 X9YZ 谢谢", "TJ-261122-X9YZ")]
    public void References_are_found_in_what_citizens_type(string text, string expected) =>
        Assert.Equal(expected, ReferenceNumbers.Find(text));

    [Theory]
    [InlineData("查询进度")]
    [InlineData("FY-26112-K7M3")]
    [InlineData("FY-261122-K7M0")]
    public void Not_a_reference(string text) => Assert.Null(ReferenceNumbers.Find(text));

    [Fact]
    public void Lifecycle_allows_only_forward_moves()
    {
        Assert.True(CaseLifecycle.CanMove(CaseStatus.Submitted, CaseStatus.Claimed));
        Assert.True(CaseLifecycle.CanMove(CaseStatus.InProgress, CaseStatus.Referred));
        Assert.False(CaseLifecycle.CanMove(CaseStatus.Closed, CaseStatus.InProgress));
        Assert.False(CaseLifecycle.CanMove(CaseStatus.Submitted, CaseStatus.InProgress));
    }
}
