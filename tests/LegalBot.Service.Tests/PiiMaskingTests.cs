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

public class PiiMaskingVariantTests
{
    [Theory]
    [InlineData("电话+8613812345678", "电话138****5678")]
    [InlineData("电话 86 13812345678", "电话 138****5678")]
    [InlineData("电话0086-138-1234-5678", "电话138****5678")]
    [InlineData("打138 1234 5678找我", "打138****5678找我")]
    [InlineData("老身份证110101900307123", "老身份证1101*******7123")]
    [InlineData("卡号6222 0212 3456 7890 123", "卡号6222***********0123")]
    [InlineData("卡号6222021234567890", "卡号6222********7890")]
    [InlineData("第1086条，2000元，2024年3月5日", "第1086条，2000元，2024年3月5日")]
    public void Prefixed_grouped_and_old_numbers_are_masked(string input, string expected) => Assert.Equal(expected, PiiMasking.Mask(input));
}
