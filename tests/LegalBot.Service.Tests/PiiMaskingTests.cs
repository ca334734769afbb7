using LegalBot.Cases.Privacy;
using LegalBot.Service.Hosting;

namespace LegalBot.Service.Tests;

public class PiiMaskingTests
{
    [Theory]
    [InlineData("我的电话是13812345678，请回电", "我的电话是138****5678，请回电")]
    [InlineData("身份证110101199003071234", "身份证1101**********1234")]
    [InlineData("身份证11010119900307123X", "身份证1101**********123X")]
    [InlineData("订单号 1234567890123 不是手机号", "订单号 1234567890123 不是手机号")]
    [InlineData("没有号码", "没有号码")]
    public void Phone_and_id_numbers_are_masked(string input, string expected) => Assert.Equal(expected, PiiMasking.Mask(input));
}
